/**
 * Keyset paging's one cursor format: the sort values of a page's last row, as text, in an opaque
 * base64url JSON array. Timestamps travel exactly as Postgres prints them (microseconds and offset
 * kept), never rounded through a JavaScript Date, so a cursor never skips or repeats a row.
 */

/** A timestamptz as Postgres prints it (`::text`). */
export const TIMESTAMP_TEXT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/;
export const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BIGINT_TEXT = /^\d{1,19}$/;

/** Room for a 200-character name of 4-byte characters; anything longer was not made here. */
const MAX_CURSOR_LENGTH = 1100;

export function encodeKeyset(values: readonly string[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** The values, or undefined when the text is not a cursor of this shape (one pattern a value). */
export function decodeKeyset(text: string, shapes: readonly RegExp[]): string[] | undefined {
  if (text.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  try {
    const values: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(values) || values.length !== shapes.length) return undefined;
    return values.every((value, index) => typeof value === 'string' && shapes[index]!.test(value)) ? (values as string[]) : undefined;
  } catch {
    return undefined;
  }
}

/** The request log's keyset position: a row's started_at text and its id. */
export interface LogCursor {
  startedAt: string;
  id: string;
}

export function encodeCursor(cursor: LogCursor): string {
  return encodeKeyset([cursor.startedAt, cursor.id]);
}

/** The cursor, or undefined when the text is not one this module made. */
export function decodeCursor(text: string): LogCursor | undefined {
  const values = decodeKeyset(text, [TIMESTAMP_TEXT, BIGINT_TEXT]);
  return values ? { startedAt: values[0]!, id: values[1]! } : undefined;
}
