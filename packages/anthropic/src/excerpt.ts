/** Longest piece of a caller's value an error message repeats. */
const MAX_EXCERPT_LENGTH = 64;

/** A caller's text as an error message quotes it: cut to a bounded length. */
export function excerpt(text: string, maxLength: number = MAX_EXCERPT_LENGTH): string {
  if (text.length <= maxLength) return text;
  return `${text.slice(0, maxLength)}… (${text.length} characters)`;
}
