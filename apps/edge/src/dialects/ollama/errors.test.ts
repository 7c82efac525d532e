import { nativeChatRequestSchema } from '@corral/ollama';
import { describe, expect, it } from 'vitest';
import { FailureKind, HttpError } from '../../errors/http-error.ts';
import { ollamaErrorBody, parseOllamaBody } from './errors.ts';

const notFound = new HttpError(404, FailureKind.NotFound, "The model 'llama3.2:3b' does not exist or you do not have access to it.", { code: 'model_not_found' });

describe("Ollama's error envelope", () => {
  it.each([
    ['a missing (or hidden) model, named as the caller sent it', notFound, 'fast', { error: 'model "fast" not found, try pulling it first' }],
    ['a missing model before the body parsed: the message as it is', notFound, undefined, { error: notFound.message }],
    ['a rate limit', new HttpError(429, FailureKind.RateLimit, 'Rate limit reached.', { code: 'rate_limit_exceeded' }), 'fast', { error: 'Rate limit reached.' }],
    ['an unknown URL (404 without a model code)', new HttpError(404, FailureKind.NotFound, 'Nothing at /api/x'), 'fast', { error: 'Nothing at /api/x' }],
  ])('%s', (_case, error, model, body) => {
    expect(ollamaErrorBody(error, model)).toEqual(body);
  });
});

describe('parseOllamaBody', () => {
  const refusal = (body: unknown) => {
    try {
      parseOllamaBody(nativeChatRequestSchema, body);
    } catch (error) {
      return error as HttpError;
    }
    throw new Error('accepted');
  };

  it.each([
    ['an empty text body', '', 'missing request body'],
    ['text that is not JSON', '{"model": x}', 'the request body is not valid JSON'],
    ['a body without model', { messages: [] }, 'model is required'],
    ['a body nested past the limit', { model: 'm', format: JSON.parse(`${'['.repeat(200)}${']'.repeat(200)}`) as unknown }, 'invalid value for "format[0][0]": objects and arrays are nested too deeply'],
  ])('refuses %s with a 400', (_case, body, message) => {
    const error = refusal(body);
    expect(error.status).toBe(400);
    expect(error.message).toContain(message);
  });

  it('reads a body sent as text (a form or text Content-Type) as JSON, as Ollama does', () => {
    expect(parseOllamaBody(nativeChatRequestSchema, '{"model":"llama3.2","messages":[]}')).toEqual({ model: 'llama3.2', messages: [] });
  });
});
