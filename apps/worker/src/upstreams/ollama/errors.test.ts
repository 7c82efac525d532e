import { describe, expect, it } from 'vitest';
import { errorFromStatus, errorMessageFromBody, unavailableError } from './errors.ts';

describe('errorFromStatus', () => {
  it.each([
    [400, 'bad_request', false],
    [404, 'model_not_found', false],
    [429, 'upstream_busy', true],
    [503, 'upstream_busy', true],
    [499, 'cancelled', false],
    [500, 'upstream_error', false],
    [502, 'upstream_error', false],
  ])('maps HTTP %i to %s (retryable %s) and carries the status', (status, code, retryable) => {
    const error = errorFromStatus(status, '{"error":"boom"}');
    expect(error).toEqual({ code, message: 'boom', status, retryable });
  });

  it('keeps Ollama\'s exact queue-full message', () => {
    const body = '{"error":"server busy, please try again.  maximum pending requests exceeded"}';
    expect(errorFromStatus(503, body).message).toBe('server busy, please try again.  maximum pending requests exceeded');
  });
});

describe('errorMessageFromBody', () => {
  it('falls back to the text of a non-JSON body, or to the status when empty', () => {
    expect(errorMessageFromBody(404, '404 page not found')).toBe('404 page not found');
    expect(errorMessageFromBody(403, '')).toBe('upstream answered HTTP 403');
    expect(errorMessageFromBody(500, '{"StatusCode":500}')).toBe('{"StatusCode":500}');
  });

  it('truncates very long messages', () => {
    expect(errorMessageFromBody(500, 'x'.repeat(5000)).length).toBeLessThan(1010);
  });
});

describe('unavailableError', () => {
  it('is retryable and names the socket error code', () => {
    const error = unavailableError(Object.assign(new Error('connect failed'), { code: 'ECONNREFUSED' }));
    expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: true });
    expect(error.message).toContain('ECONNREFUSED');
  });
});
