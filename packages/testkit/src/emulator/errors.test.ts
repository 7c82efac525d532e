import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from './emulator.ts';
import { post } from '../testing/index.ts';
import type { Emulator } from './types.ts';

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());

const hello = [{ role: 'user', content: 'hi' }];

/** §4 of the reference: status and exact `error` text per situation. */
const cases: Array<[string, string, unknown, number, string]> = [
  ['empty body (chat)', '/api/chat', '', 400, 'missing request body'],
  ['empty body (generate)', '/api/generate', '', 400, 'missing request body'],
  ['empty body (embed)', '/api/embed', '', 400, 'missing request body'],
  ['malformed JSON', '/api/chat', '{"model": x}', 400, "invalid character 'x' looking for beginning of value"],
  ['chat without model', '/api/chat', { messages: hello }, 400, 'model is required'],
  ['generate without model', '/api/generate', { prompt: 'hi' }, 404, "model '' not found"],
  ['invalid model name (chat)', '/api/chat', { model: 'bad name', messages: hello }, 400, 'invalid model name'],
  ['unknown model (chat)', '/api/chat', { model: 'nope', messages: hello }, 404, "model 'nope' not found"],
  ['unknown model (generate)', '/api/generate', { model: 'nope:7b', prompt: 'hi' }, 404, "model 'nope:7b' not found"],
  ['unknown model (embed)', '/api/embed', { model: 'nope', input: 'hi' }, 404, 'model "nope" not found, try pulling it first'],
  ['unknown model (embeddings)', '/api/embeddings', { model: 'nope', prompt: 'hi' }, 404, 'model "nope" not found, try pulling it first'],
  ['chat on an embedding model', '/api/chat', { model: 'all-minilm', messages: hello }, 400, '"all-minilm" does not support chat'],
  ['top_logprobs too low', '/api/generate', { model: 'llama3.2', prompt: 'hi', top_logprobs: -1 }, 400, 'top_logprobs must be between 0 and 20'],
  ['stop as a bare string', '/api/chat', { model: 'llama3.2', messages: hello, options: { stop: 'x' } }, 500, 'option "stop" must be of type array'],
  ['stop with a number', '/api/chat', { model: 'llama3.2', messages: hello, options: { stop: [1] } }, 500, 'option "stop" must be of an array of strings'],
  ['wrong option type', '/api/generate', { model: 'llama3.2', prompt: 'hi', options: { temperature: 'hot' } }, 500, 'option "temperature" must be of type float'],
  ['bad keep_alive', '/api/chat', { model: 'llama3.2', messages: hello, keep_alive: 'soon' }, 400, 'time: invalid duration "soon"'],
  ['wrong field type', '/api/chat', { model: 'llama3.2', messages: 'hi' }, 400, 'json: cannot unmarshal string into Go struct field ChatRequest.messages of type []interface {}'],
  ['invalid think', '/api/chat', { model: 'qwen3', messages: hello, think: 'maybe' }, 400, 'invalid think value: "maybe" (must be "high", "medium", "low", "max", true, or false)'],
];

describe('native errors', () => {
  it.each(cases)('%s', async (_name, path, body, status, message) => {
    const response = await post(`${emulator.url}${path}`, typeof body === 'string' ? body : JSON.stringify(body), true);
    expect(response.status).toBe(status);
    expect(response.contentType).toBe('application/json; charset=utf-8');
    expect(JSON.parse(response.text)).toEqual({ error: message });
  });

  it('ignores unknown options', async () => {
    const response = await post(`${emulator.url}/api/generate`, { model: 'llama3.2', prompt: 'hi', stream: false, options: { mirostat: 2 } });
    expect(response.status).toBe(200);
  });

  it('records failed requests with their status', async () => {
    await post(`${emulator.url}/api/chat`, { model: 'missing-model', messages: hello });
    const record = await emulator.waitFor((request) => request.model === 'missing-model');
    expect(record).toMatchObject({ status: 404, error: "model 'missing-model' not found", cancelled: false, doneReason: null });
  });
});

describe('routing', () => {
  it('answers unknown routes with a plain 404', async () => {
    const response = await fetch(`${emulator.url}/api/nothing`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('text/plain');
    expect(await response.text()).toBe('404 page not found');
  });

  it('answers a wrong method with 405', async () => {
    const response = await fetch(`${emulator.url}/api/chat`);
    expect(response.status).toBe(405);
  });

  it('says Ollama is running at the root', async () => {
    const response = await fetch(emulator.url);
    expect(await response.text()).toBe('Ollama is running');
  });
});
