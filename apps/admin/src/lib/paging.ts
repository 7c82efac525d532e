/** Keyset paging: a page ends with an opaque cursor naming its last row, never an OFFSET. */
export const PAGE_SIZE = 25;

export function encodeCursor(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** A cursor from the URL; anything malformed reads as "first page" rather than an error. */
export function decodeCursor(cursor: string | undefined, arity: number): string[] | undefined {
  if (!cursor || cursor.length > 512) return undefined;
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === arity && values.every((value) => typeof value === 'string')) return values as string[];
  } catch {
    // fall through
  }
  return undefined;
}

/** For ILIKE: the person's text matched literally (no % or _ wildcards of theirs). */
export function likePattern(search: string): string {
  return `%${search.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

/** One search-param value (Next gives string | string[] | undefined). */
export function param(value: string | string[] | undefined): string | undefined {
  const one = Array.isArray(value) ? value[0] : value;
  return one?.trim() || undefined;
}
