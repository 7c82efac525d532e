import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  invalidApiKey,
  invalidRequest,
  isOpenAIError,
  missingApiKey,
  modelNotFound,
  permissionDenied,
  quotaExceeded,
  rateLimited,
  renderOpenAIError,
  serverBusy,
  serverError,
  timedOut,
  unsupportedParameter,
} from './errors.ts';
import { nativeErrorMessage, openAIErrorFromNative } from './native-error.ts';
import { assertOpenAPI } from './testing/index.ts';
import { formatParameterPath, openAIErrorFromZod } from './zod-error.ts';

describe('OpenAI errors', () => {
  it.each([
    ['invalidRequest', invalidRequest('bad', 'messages[0]'), 400, 'invalid_request_error', 'messages[0]', null],
    ['unsupportedParameter', unsupportedParameter('logit_bias'), 400, 'invalid_request_error', 'logit_bias', 'unsupported_parameter'],
    ['invalidApiKey', invalidApiKey(), 401, 'invalid_request_error', null, 'invalid_api_key'],
    ['missingApiKey', missingApiKey(), 401, 'invalid_request_error', null, 'missing_api_key'],
    ['permissionDenied', permissionDenied('no'), 403, 'permission_error', null, null],
    ['modelNotFound', modelNotFound('gpt-9'), 404, 'invalid_request_error', 'model', 'model_not_found'],
    ['rateLimited', rateLimited(), 429, 'rate_limit_error', null, 'rate_limit_exceeded'],
    ['quotaExceeded', quotaExceeded(), 429, 'insufficient_quota', null, 'insufficient_quota'],
    ['serverError', serverError(), 500, 'server_error', null, null],
    ['serverBusy', serverBusy(), 503, 'server_error', null, 'server_busy'],
    ['timedOut', timedOut(), 504, 'server_error', null, 'timeout'],
  ])('%s has status, type, param and code', (_name, error, status, type, param, code) => {
    expect([error.status, error.type, error.param, error.code]).toEqual([status, type, param, code]);
    const body = renderOpenAIError(error);
    assertOpenAPI('ErrorResponse', body);
    expect(body).toEqual({ error: { message: error.message, type, param, code } });
    expect(isOpenAIError(error)).toBe(true);
  });

  it('words an unknown model as OpenAI does', () => {
    expect(modelNotFound('gpt-9').message).toBe('The model `gpt-9` does not exist or you do not have access to it.');
  });

  it('recognises only error values', () => {
    expect(isOpenAIError(new Error('x'))).toBe(false);
    expect(isOpenAIError(null)).toBe(false);
  });
});

describe('openAIErrorFromNative', () => {
  it.each([
    [400, '{"error":"registry.ollama.ai/library/foo:latest does not support tools"}', 400, 'invalid_request_error', 'tools', null],
    [400, '{"error":"\\"test\\" does not support thinking"}', 400, 'invalid_request_error', 'reasoning_effort', null],
    [400, '{"error":"top_logprobs must be between 0 and 20"}', 400, 'invalid_request_error', 'top_logprobs', null],
    [400, '{"error":"invalid message content type: float64"}', 400, 'invalid_request_error', null, null],
    [404, "{\"error\":\"model 'nope' not found\"}", 404, 'invalid_request_error', 'model', 'model_not_found'],
    [404, '{"error":"model \\"x\\" not found, try pulling it first"}', 404, 'invalid_request_error', 'model', 'model_not_found'],
    [401, '{"error":"unauthorized","signin_url":"https://ollama.com/connect"}', 502, 'server_error', null, 'upstream_error'],
    [403, '{"error":"ollama cloud is disabled: remote model is unavailable"}', 403, 'permission_error', null, null],
    [429, '{"error":"rate limit exceeded"}', 429, 'rate_limit_error', null, 'rate_limit_exceeded'],
    [499, '{"error":"request canceled"}', 499, 'invalid_request_error', null, 'request_cancelled'],
    [500, '{"error":"llama-server process has terminated: exit status 2"}', 500, 'server_error', null, null],
    [502, 'dial tcp: connection refused', 502, 'server_error', null, 'upstream_error'],
    [503, '{"error":"server busy, please try again.  maximum pending requests exceeded"}', 503, 'server_error', null, 'server_busy'],
  ])('native %i %s → %i %s', (status, body, expectedStatus, type, param, code) => {
    const error = openAIErrorFromNative(status, body);
    expect([error.status, error.type, error.param, error.code]).toEqual([expectedStatus, type, param, code]);
    assertOpenAPI('ErrorResponse', renderOpenAIError(error));
  });

  it('keeps the native message (A.3 #58, #69) and reads plain text bodies', () => {
    expect(openAIErrorFromNative(400, '{"error":"model not found"}').message).toBe('model not found');
    expect(openAIErrorFromNative(503, '{"error":"server busy, please try again.  maximum pending requests exceeded"}').message).toBe(
      'server busy, please try again.  maximum pending requests exceeded',
    );
    expect(nativeErrorMessage('404 page not found\n')).toBe('404 page not found');
    expect(nativeErrorMessage('')).toBe('Upstream model server returned an error.');
    expect(nativeErrorMessage('{not json')).toBe('{not json');
  });
});

describe('openAIErrorFromZod', () => {
  const schema = z.object({
    model: z.string(),
    messages: z.array(z.object({ role: z.string(), content: z.union([z.string(), z.array(z.object({ type: z.literal('text'), text: z.string() }))]) })),
    strict: z.strictObject({ a: z.number() }).optional(),
  });
  const errorFor = (value: unknown) => {
    const parsed = schema.safeParse(value, { reportInput: true });
    if (parsed.success) throw new Error('expected a failure');
    return openAIErrorFromZod(parsed.error);
  };

  it('formats paths the way OpenAI names parameters', () => {
    expect(formatParameterPath(['messages', 0, 'content', 1, 'image_url'])).toBe('messages[0].content[1].image_url');
    expect(formatParameterPath([])).toBe('');
  });

  it.each([
    [{ messages: [] }, 'model', "Missing required parameter: 'model'.", 'missing_required_parameter'],
    [{ model: 'm', messages: [{ role: 'user', content: 7 }] }, 'messages[0].content', "Invalid value for 'messages[0].content': expected string or array, received number", 'invalid_value'],
    [{ model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 5 }] }] }, 'messages[0].content[0].text', undefined, 'invalid_value'],
    [{ model: 'm', messages: [], strict: { a: 1, b: 2 } }, 'strict.b', 'Unrecognized request argument supplied: strict.b', 'unknown_parameter'],
  ])('names the first bad parameter of %j', (value, param, message, code) => {
    const error = errorFor(value);
    expect([error.status, error.param, error.code]).toEqual([400, param, code]);
    if (message !== undefined) expect(error.message).toBe(message);
  });
});
