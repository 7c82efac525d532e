/*
 * A usage event must always be stored: a request a client made, however odd its model name, is a
 * request accounting counts. Its text fields carry what the client sent (the model name it asked
 * for) or what came back from a worker, so before an event is validated — by the edge before it
 * publishes, by accounting before it stores — its text is made storable: bounded, well-formed
 * UTF-16 (a lone surrogate cannot be encoded as UTF-8) and free of NUL (Postgres text refuses it).
 */

/** Longest text per field, in UTF-16 code units (as zod and JavaScript count length). */
export const USAGE_TEXT_LIMITS = {
  alias: 256,
  model: 256,
  endpoint: 128,
  errorCode: 64,
  workerId: 128,
} as const;

/** Ends a text cut to its limit, so a truncated name never passes for a whole one. */
export const TRUNCATION_MARKER = '…';

/** Stands in for characters that cannot be stored (NUL, lone surrogates). */
export const REPLACEMENT_CHARACTER = '\uFFFD';

/** What a required text field holds when the producer had nothing for it. */
export const UNKNOWN_TEXT = 'unknown';

/** The largest token count a usage row holds (a Postgres `integer`). */
export const USAGE_COUNT_MAX = 2_147_483_647;

const REQUIRED_TEXT = new Set<string>(['alias', 'model', 'endpoint']);
const COUNTS = ['promptTokens', 'completionTokens'] as const;

/**
 * `text` as Postgres can store it and at most `maxLength` code units long: cut first (so a huge
 * value costs no more than its limit), ending with the truncation marker when cut; NUL and lone
 * surrogates become U+FFFD (one code unit each, so the length holds).
 */
export function storableText(text: string, maxLength: number): string {
  const bounded = text.length > maxLength ? cutAt(text, maxLength - TRUNCATION_MARKER.length) + TRUNCATION_MARKER : text;
  return bounded.replaceAll('\u0000', REPLACEMENT_CHARACTER).toWellFormed();
}

/**
 * A usage event whose text fields are storable (see storableText) and whose token counts fit a
 * usage row. Takes anything, because accounting applies it to whatever it read from the stream
 * before validating it; what is not an object, and fields that are not text or counts, pass as
 * they are, for the schema to judge.
 */
export function sanitizeUsageEvent<T>(event: T): T {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return event;
  const fields = { ...(event as Record<string, unknown>) };
  for (const [field, maxLength] of Object.entries(USAGE_TEXT_LIMITS)) {
    const value = fields[field];
    if (typeof value !== 'string') continue;
    fields[field] = value === '' && REQUIRED_TEXT.has(field) ? UNKNOWN_TEXT : storableText(value, maxLength);
  }
  for (const field of COUNTS) {
    const value = fields[field];
    if (typeof value === 'number' && value > USAGE_COUNT_MAX) fields[field] = USAGE_COUNT_MAX;
  }
  return fields as T;
}

/** The first `length` code units of `text`, one fewer rather than half of a surrogate pair. */
function cutAt(text: string, length: number): string {
  const last = text.charCodeAt(length - 1);
  const isHighSurrogate = last >= 0xd800 && last <= 0xdbff;
  return text.slice(0, isHighSurrogate ? length - 1 : length);
}
