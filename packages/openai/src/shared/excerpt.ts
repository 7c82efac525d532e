/** Longest piece of a caller's value an error message repeats. */
export const MAX_EXCERPT_LENGTH = 64;

/** A caller's text as an error message quotes it: cut to a bounded length (a 1 MB id is not echoed back). */
export function excerpt(text: string, maxLength: number = MAX_EXCERPT_LENGTH): string {
  if (text.length <= maxLength) return text;
  return `${text.slice(0, maxLength)}… (${text.length} characters)`;
}

/**
 * A caller's value named in a validation message: scalars quoted as JSON (strings cut), objects and
 * arrays only by kind, so no size or depth of input makes the message large or its rendering recurse.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(excerpt(value));
  return String(value);
}
