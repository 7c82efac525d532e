import { describe, expect, it } from 'vitest';
import { createBatchId } from './batch-object.ts';
import { batchLineIds, BatchLineError, errorLine, responseLine } from './output-line.ts';
import { DOCUMENTED_ERROR_LINE, DOCUMENTED_RESPONSE_LINE } from './fixtures/documented-batches.ts';

/** A NATS subject token: no dot, wildcard or whitespace; here, exactly the characters promised. */
const SUBJECT_TOKEN = /^[A-Za-z0-9_-]+$/;

/** The keys of a JSON value at every depth, to compare shapes and not values. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (typeof value !== 'object' || value === null) return value === null ? null : typeof value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, shape(inner)]));
}

describe('batchLineIds', () => {
  it('derives both ids from the batch id and the line number, the same every time', () => {
    expect(batchLineIds('batch_abc123', 7)).toEqual({ id: 'batch_req_abc123_7', requestId: 'req_abc123_7' });
    const batchId = createBatchId();
    expect(batchLineIds(batchId, 42)).toEqual(batchLineIds(batchId, 42));
  });

  it('gives every line of every batch its own ids', () => {
    const batches = [createBatchId(), createBatchId(), 'batch_1', 'batch_11'];
    const lineIds = batches.flatMap((batchId) => [1, 2, 11, 50_000].map((line) => batchLineIds(batchId, line)));
    expect(new Set(lineIds.map((ids) => ids.id)).size).toBe(lineIds.length);
    expect(new Set(lineIds.map((ids) => ids.requestId)).size).toBe(lineIds.length);
    for (const ids of lineIds) {
      expect(ids.id).toMatch(SUBJECT_TOKEN);
      expect(ids.requestId).toMatch(SUBJECT_TOKEN);
      expect(ids.id.startsWith('batch_req_')).toBe(true);
      expect(ids.requestId.startsWith('req_')).toBe(true);
    }
  });

  it('keeps ids subject-token safe whatever the batch id holds', () => {
    const ids = batchLineIds('batch_a.b *>c', 3);
    expect(ids.id).toMatch(SUBJECT_TOKEN);
    expect(ids.requestId).toMatch(SUBJECT_TOKEN);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses the line number %s (lines are 1-based)', (line) => {
    expect(() => batchLineIds('batch_abc', line)).toThrow(RangeError);
  });
});

describe('output lines', () => {
  const body = { id: 'chatcmpl-123', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'Hello.\nBye.' }, finish_reason: 'stop' }] };

  it('writes a response line in the documented shape, which parses back to what was given', () => {
    const text = responseLine({ id: 'batch_req_abc_1', customId: 'request-2', statusCode: 200, requestId: 'req_abc_1', body });
    expect(text).not.toContain('\n');
    const parsed: unknown = JSON.parse(text);
    expect(parsed).toEqual({ id: 'batch_req_abc_1', custom_id: 'request-2', response: { status_code: 200, request_id: 'req_abc_1', body }, error: null });
    const documented = JSON.parse(DOCUMENTED_RESPONSE_LINE) as Record<string, unknown>;
    expect(Object.keys(parsed as object)).toEqual(Object.keys(documented));
    expect(Object.keys((parsed as { response: object }).response)).toEqual(Object.keys(documented.response as object));
  });

  it('keeps a failed request’s status code and error body in its response', () => {
    const errorBody = { error: { message: 'The model `nope` does not exist.', type: 'invalid_request_error', param: 'model', code: 'model_not_found' } };
    const parsed: unknown = JSON.parse(responseLine({ id: 'batch_req_abc_2', customId: 'request-3', statusCode: 404, requestId: 'req_abc_2', body: errorBody }));
    expect(parsed).toEqual({ id: 'batch_req_abc_2', custom_id: 'request-3', response: { status_code: 404, request_id: 'req_abc_2', body: errorBody }, error: null });
  });

  it('writes the expiry error line exactly as documented', () => {
    const text = errorLine({ id: 'batch_req_456', customId: 'request-1', ...BatchLineError.expired });
    expect(text).not.toContain('\n');
    expect(JSON.parse(text)).toEqual(JSON.parse(DOCUMENTED_ERROR_LINE));
    expect(shape(JSON.parse(text))).toEqual({ id: 'string', custom_id: 'string', response: null, error: { code: 'string', message: 'string' } });
  });

  it('names the line error codes Corral writes', () => {
    expect(BatchLineError.expired).toEqual({ code: 'batch_expired', message: 'This request could not be executed before the completion window expired.' });
    expect(BatchLineError.cancelled.code).toBe('batch_cancelled');
    const parsed: unknown = JSON.parse(errorLine({ id: 'batch_req_abc_9', customId: 'x"\n', ...BatchLineError.cancelled }));
    expect(parsed).toEqual({ id: 'batch_req_abc_9', custom_id: 'x"\n', response: null, error: BatchLineError.cancelled });
  });
});
