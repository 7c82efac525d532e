/** One search-param value (Next gives string | string[] | undefined). */
export function param(value: string | string[] | undefined): string | undefined {
  const one = Array.isArray(value) ? value[0] : value;
  return one?.trim() || undefined;
}
