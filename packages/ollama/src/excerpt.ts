/** Longest piece of a caller's value an error message repeats. */
export const MAX_EXCERPT_LENGTH = 64;

/**
 * A caller's text as an error message quotes it, in any dialect: cut to a bounded length (a 1 MB
 * model name or id is not echoed back).
 */
export function excerpt(text: string, maxLength: number = MAX_EXCERPT_LENGTH): string {
  if (text.length <= maxLength) return text;
  return `${text.slice(0, maxLength)}… (${text.length} characters)`;
}
