import { describe, expect, it } from 'vitest';
import { assertOpenAPI } from '../testing/index.ts';
import { parseCreateBatchRequest } from './batch-request.ts';
import { BATCH_ENDPOINTS } from './validate-input.ts';
import { OPENAI_BATCH_ENDPOINTS } from './fixtures/documented-batches.ts';

const base = { input_file_id: 'file-abc123', endpoint: '/v1/chat/completions', completion_window: '24h' };

function pairs(count: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, index) => [`key${index}`, 'value']));
}

describe('parseCreateBatchRequest', () => {
  it('reads OpenAI’s documented request', () => {
    assertOpenAPI('CreateBatchRequest', base);
    expect(parseCreateBatchRequest(base)).toEqual({ ok: true, value: { inputFileId: 'file-abc123', endpoint: '/v1/chat/completions', completionWindow: '24h', metadata: null } });
  });

  it.each(BATCH_ENDPOINTS)('accepts the endpoint %s', (endpoint) => {
    expect(parseCreateBatchRequest({ ...base, endpoint })).toMatchObject({ ok: true, value: { endpoint } });
  });

  it.each([
    ['absent', undefined, null],
    ['null', null, null],
    ['empty', {}, {}],
    ['at every limit (16 pairs, a 64-character key, a 512-character value)', { ...pairs(15), ['k'.repeat(64)]: 'v'.repeat(512) }, { ...pairs(15), ['k'.repeat(64)]: 'v'.repeat(512) }],
  ])('accepts metadata %s', (_name, metadata, expected) => {
    const body = metadata === undefined ? base : { ...base, metadata };
    assertOpenAPI('CreateBatchRequest', body);
    expect(parseCreateBatchRequest(body)).toMatchObject({ ok: true, value: { metadata: expected } });
  });

  it('ignores output_expires_after and fields it does not know, as OpenAI ignores unknown ones', () => {
    const body = { ...base, output_expires_after: { anchor: 'created_at', seconds: 3600 }, colour: 'blue' };
    expect(parseCreateBatchRequest(body)).toEqual({ ok: true, value: { inputFileId: 'file-abc123', endpoint: '/v1/chat/completions', completionWindow: '24h', metadata: null } });
  });

  const openAIOnly = OPENAI_BATCH_ENDPOINTS.filter((endpoint) => !(BATCH_ENDPOINTS as readonly string[]).includes(endpoint));

  it('knows the endpoints OpenAI lists beyond Corral’s four', () => {
    expect(openAIOnly).toEqual(['/v1/moderations', '/v1/images/generations', '/v1/images/edits', '/v1/videos']);
  });

  it.each(openAIOnly)('refuses %s, valid for OpenAI, naming the four endpoints it supports', (endpoint) => {
    assertOpenAPI('CreateBatchRequest', { ...base, endpoint });
    const result = parseCreateBatchRequest({ ...base, endpoint });
    expect(result).toMatchObject({ ok: false, error: { status: 400, type: 'invalid_request_error', param: 'endpoint', code: 'unsupported_value' } });
    const message = result.ok ? '' : result.error.message;
    expect(message).toContain(endpoint);
    for (const supported of BATCH_ENDPOINTS) expect(message).toContain(supported);
  });

  const refused: Array<[name: string, body: unknown, param: string | null, code: string | null]> = [
    ['a body that is not an object', [base], null, null],
    ['a null body', null, null, null],
    ['no input_file_id', { endpoint: base.endpoint, completion_window: '24h' }, 'input_file_id', 'missing_required_parameter'],
    ['a null input_file_id', { ...base, input_file_id: null }, 'input_file_id', 'missing_required_parameter'],
    ['an empty input_file_id', { ...base, input_file_id: '' }, 'input_file_id', 'invalid_value'],
    ['a numeric input_file_id', { ...base, input_file_id: 7 }, 'input_file_id', 'invalid_value'],
    ['no endpoint', { input_file_id: 'file-1', completion_window: '24h' }, 'endpoint', 'missing_required_parameter'],
    ['an endpoint nobody offers', { ...base, endpoint: '/v1/chat' }, 'endpoint', 'invalid_value'],
    ['an endpoint without its /v1', { ...base, endpoint: '/chat/completions' }, 'endpoint', 'invalid_value'],
    ['a numeric endpoint', { ...base, endpoint: 1 }, 'endpoint', 'invalid_value'],
    ['no completion_window', { input_file_id: 'file-1', endpoint: base.endpoint }, 'completion_window', 'missing_required_parameter'],
    ['a completion_window of 48h', { ...base, completion_window: '48h' }, 'completion_window', 'invalid_value'],
    ['a completion_window of 24', { ...base, completion_window: 24 }, 'completion_window', 'invalid_value'],
    ['metadata that is a string', { ...base, metadata: 'nightly' }, 'metadata', 'invalid_value'],
    ['metadata that is an array', { ...base, metadata: ['a'] }, 'metadata', 'invalid_value'],
    ['17 metadata pairs', { ...base, metadata: pairs(17) }, 'metadata', 'invalid_value'],
    ['17 metadata pairs, one of them too long', { ...base, metadata: { ...pairs(16), long: 'v'.repeat(513) } }, 'metadata', 'invalid_value'],
    ['a 65-character metadata key', { ...base, metadata: { ['k'.repeat(65)]: 'v' } }, 'metadata', 'invalid_value'],
    ['a 513-character metadata value', { ...base, metadata: { note: 'v'.repeat(513) } }, 'metadata.note', 'invalid_value'],
    ['a numeric metadata value', { ...base, metadata: { count: 3 } }, 'metadata.count', 'invalid_value'],
    ['a null metadata value', { ...base, metadata: { note: null } }, 'metadata.note', 'invalid_value'],
  ];

  it.each(refused)('refuses %s, naming %s', (_name, body, param, code) => {
    expect(parseCreateBatchRequest(body)).toEqual({ ok: false, error: expect.objectContaining({ status: 400, type: 'invalid_request_error', param, code }) });
  });

  it('says which metadata limit was passed', () => {
    const message = (body: unknown) => {
      const result = parseCreateBatchRequest(body);
      return result.ok ? '' : result.error.message;
    };
    expect(message({ ...base, metadata: pairs(17) })).toContain('at most 16 key-value pairs, got 17');
    expect(message({ ...base, metadata: { ['k'.repeat(65)]: 'v' } })).toContain('keys of at most 64 characters');
    expect(message({ ...base, metadata: { note: 'v'.repeat(513) } })).toContain('at most 512 characters');
  });
});
