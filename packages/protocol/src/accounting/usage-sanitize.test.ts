import { describe, expect, it } from 'vitest';
import { UsageEvent } from './usage.ts';
import { REPLACEMENT_CHARACTER, TRUNCATION_MARKER, UNKNOWN_TEXT, USAGE_COUNT_MAX, USAGE_TEXT_LIMITS, sanitizeUsageEvent, storableText } from './usage-sanitize.ts';

const event: UsageEvent = {
  v: 1,
  requestId: 'req_1',
  keyId: null,
  alias: 'fast',
  model: 'llama3.2:latest',
  endpoint: '/v1/chat/completions',
  stream: false,
  status: 'error',
  httpStatus: 404,
  errorCode: 'model_not_found',
  promptTokens: 0,
  completionTokens: 0,
  durationMs: 1,
  workerId: 'w1',
  startedAt: '2025-01-01T00:00:00.000Z',
  finishedAt: '2025-01-01T00:00:00.001Z',
};

/** What a text must be for Postgres to take it: valid UTF-8 once encoded (no lone surrogate) and no NUL. */
function isStorable(text: string): boolean {
  return text.isWellFormed() && !text.includes('\u0000');
}

describe('storableText', () => {
  it.each([
    ['plain', 'llama3.2:latest', 'llama3.2:latest'],
    ['emoji and combining marks', 'llama🦙-é-ñ', 'llama🦙-é-ñ'],
    ['right-to-left override, zero-width joiner, BOM, noncharacter', 'a\u202Eb\u200Dc\uFEFFd\uFFFF', 'a\u202Eb\u200Dc\uFEFFd\uFFFF'],
    ['a NUL', 'llama\u0000evil', `llama${REPLACEMENT_CHARACTER}evil`],
    ['only NULs', '\u0000\u0000', REPLACEMENT_CHARACTER.repeat(2)],
    ['a lone high surrogate', 'a\uD83Eb', `a${REPLACEMENT_CHARACTER}b`],
    ['a lone low surrogate at the end', 'model\uDD99', `model${REPLACEMENT_CHARACTER}`],
  ])('%s', (_name, input, expected) => {
    const stored = storableText(input, 256);
    expect(stored).toBe(expected);
    expect(isStorable(stored)).toBe(true);
  });

  it('keeps a text of exactly the limit whole', () => {
    const text = 'x'.repeat(256);
    expect(storableText(text, 256)).toBe(text);
  });

  it('cuts a longer text to the limit, ending with the marker', () => {
    const stored = storableText('y'.repeat(10_000), 256);
    expect(stored).toHaveLength(256);
    expect(stored).toBe(`${'y'.repeat(255)}${TRUNCATION_MARKER}`);
  });

  it('never cuts a surrogate pair in half', () => {
    // 254 ASCII then emoji: the cut at 255 code units would fall between the emoji's two halves.
    const stored = storableText(`${'a'.repeat(254)}🦙🦙🦙`, 256);
    expect(stored).toBe(`${'a'.repeat(254)}${TRUNCATION_MARKER}`);
    expect(isStorable(stored)).toBe(true);
  });

  it('bounds and cleans together: NULs past the cut are gone, NULs before it replaced', () => {
    const stored = storableText(`\u0000${'z'.repeat(300)}\u0000`, 64);
    expect(stored).toHaveLength(64);
    expect(stored.startsWith(REPLACEMENT_CHARACTER)).toBe(true);
    expect(isStorable(stored)).toBe(true);
  });
});

describe('sanitizeUsageEvent', () => {
  it('leaves a valid event as it is', () => {
    expect(sanitizeUsageEvent(event)).toEqual(event);
  });

  it.each([
    ['a 10,000-character model name', { alias: 'm'.repeat(10_000), model: 'm'.repeat(10_000) }],
    ['a NUL in the model name', { alias: 'llama\u0000', model: 'llama\u0000' }],
    ['lone surrogates', { alias: '\uD800', model: 'x\uDFFF' }],
    ['empty names', { alias: '', model: '', endpoint: '' }],
    ['an oversized error code and worker id', { errorCode: 'e\u0000'.repeat(100), workerId: 'w'.repeat(1000) }],
    ['a long endpoint', { endpoint: `/v1/${'p'.repeat(500)}` }],
    ['token counts beyond a Postgres integer', { promptTokens: 2 ** 40, completionTokens: USAGE_COUNT_MAX + 1 }],
  ])('makes an event with %s valid, with storable text', (_name, fields) => {
    const raw = { ...event, ...fields };
    expect(UsageEvent.safeParse(raw).success && Object.values(raw).every((value) => typeof value !== 'string' || isStorable(value))).toBe(false);
    const sanitized = sanitizeUsageEvent(raw);
    expect(UsageEvent.parse(sanitized)).toEqual(sanitized);
    for (const field of Object.keys(USAGE_TEXT_LIMITS) as Array<keyof typeof USAGE_TEXT_LIMITS>) {
      const value = sanitized[field];
      if (value !== undefined) expect(isStorable(value)).toBe(true);
    }
  });

  it('names an empty alias or model unknown, and caps counts at the largest a row holds', () => {
    const sanitized = sanitizeUsageEvent({ ...event, alias: '', model: '', promptTokens: 2 ** 40 });
    expect(sanitized).toMatchObject({ alias: UNKNOWN_TEXT, model: UNKNOWN_TEXT, promptTokens: USAGE_COUNT_MAX, completionTokens: 0 });
  });

  it('does not change the event it was given', () => {
    const raw = { ...event, model: 'a\u0000b' };
    sanitizeUsageEvent(raw);
    expect(raw.model).toBe('a\u0000b');
  });

  it('passes what is not an event to the schema untouched, to be refused there', () => {
    for (const value of [null, 'text', 42, ['alias']]) expect(sanitizeUsageEvent(value)).toBe(value);
    const wrongTypes = { ...event, alias: 42, model: { name: 'x' } };
    expect(sanitizeUsageEvent(wrongTypes)).toEqual(wrongTypes);
    expect(UsageEvent.safeParse(sanitizeUsageEvent(wrongTypes)).success).toBe(false);
  });
});
