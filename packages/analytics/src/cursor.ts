/**
 * The request log's keyset position: a row's started_at exactly as Postgres prints it (microseconds
 * and offset kept, so no rounding through a JavaScript Date) and its id, as opaque base64url JSON.
 */
export interface LogCursor {
  startedAt: string;
  id: string;
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/;
const ID = /^\d{1,19}$/;

export function encodeCursor(cursor: LogCursor): string {
  return Buffer.from(JSON.stringify([cursor.startedAt, cursor.id])).toString('base64url');
}

/** The cursor, or undefined when the text is not one this module made. */
export function decodeCursor(text: string): LogCursor | undefined {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(text)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const [startedAt, id] = value as unknown[];
    if (typeof startedAt !== 'string' || typeof id !== 'string' || !TIMESTAMP.test(startedAt) || !ID.test(id)) return undefined;
    return { startedAt, id };
  } catch {
    return undefined;
  }
}
