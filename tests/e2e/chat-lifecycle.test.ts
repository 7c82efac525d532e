import { dropDatabase } from '@corral/db';
import { testDatabaseUrl } from '@corral/db/testing';
import { startStack, type Stack } from '@corral/testkit';
import OpenAI from 'openai';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createWireRecorder } from './chat-wire.ts';
import { pngLike, startImageServer, type ImageServer } from './image-server.ts';
import { keyIdNamed, waitForUsageRows } from './usage-rows.ts';

/**
 * How a chat completion ends when it does not simply succeed (the client leaves, Ollama fails
 * mid-answer), seen from the client, from Ollama and from the usage rows accounting stores.
 */
describe('chat completion lifecycle with accounting', () => {
  let stack: Stack;
  let databaseUrl: string;
  let database: pg.Pool;
  let images: ImageServer;
  let imageGate: Promise<void> = Promise.resolve();
  const wire = createWireRecorder();

  beforeAll(async () => {
    images = await startImageServer({ '/slow.png': () => ({ contentType: 'image/png', body: pngLike('slow'), release: imageGate }) });
    databaseUrl = testDatabaseUrl('e2echat');
    stack = await startStack({ workers: [{ emulator: { tokensPerReply: 4 } }], accounting: { databaseUrl }, edgeEnv: { IMAGE_FETCH_ALLOWED_HOSTS: images.host } });
    database = new pg.Pool({ connectionString: databaseUrl });
  });
  afterAll(async () => {
    await database?.end();
    await stack?.close();
    await images?.close();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });
  afterEach(async () => {
    stack.workers[0]!.emulator.setOptions({ tokenDelayMs: 0, tokensPerReply: 4, failAfterTokens: undefined });
    const report = await wire.settle();
    expect(report.violations).toEqual([]);
  });

  const emulator = () => stack.workers[0]!.emulator;
  /** A client under a fresh key, and that key's id for its usage rows. */
  async function keyed(name: string): Promise<{ client: OpenAI; keyId: string }> {
    const key = await stack.createKey(name);
    return { client: new OpenAI({ baseURL: `${stack.edgeUrl}/v1`, apiKey: key, maxRetries: 0, fetch: wire.fetch }), keyId: await keyIdNamed(database, name) };
  }
  const mentions = (text: string) => (request: { body: unknown }) => JSON.stringify(request.body).includes(text);

  it('records exactly the usage the client was shown, under the request id the client was given', async () => {
    const { client, keyId } = await keyed('exact-usage');
    const completion = await client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'count me' }] });
    const stream = await client.chat.completions.create({ model: 'llama3.2', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'count me streamed' }] });
    let streamedUsage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) streamedUsage = chunk.usage ?? streamedUsage;
    const refused = await client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'x' }], logit_bias: { '1': 5 } }).catch((caught: unknown) => caught);

    const rows = await waitForUsageRows(database, keyId, 3);
    const byId = new Map(rows.map((row) => [row.request_id, row]));
    expect(completion._request_id).toBeTruthy();
    expect(byId.get(completion._request_id!)).toMatchObject({ status: 'ok', http_status: 200, endpoint: '/v1/chat/completions', stream: false, prompt_tokens: completion.usage!.prompt_tokens, completion_tokens: completion.usage!.completion_tokens });
    expect(rows.find((row) => row.stream)).toMatchObject({ status: 'ok', prompt_tokens: streamedUsage!.prompt_tokens, completion_tokens: streamedUsage!.completion_tokens });
    const refusedId = (refused as InstanceType<typeof OpenAI.APIError>).requestID;
    expect(refusedId).toBeTruthy();
    expect(byId.get(refusedId!)).toMatchObject({ status: 'error', http_status: 400 });
  });

  it('a non-streamed request whose client leaves cancels the Ollama request and is recorded as cancelled', async () => {
    const { client, keyId } = await keyed('non-stream-leaver');
    emulator().setOptions({ tokenDelayMs: 20, tokensPerReply: 500 });
    const controller = new AbortController();
    const pending = client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'non-streamed and abandoned' }] }, { signal: controller.signal }).catch((caught: unknown) => caught);
    await vi.waitFor(() => expect(emulator().active()).toBe(1), { timeout: 5000 });
    controller.abort();
    expect(await pending).toBeInstanceOf(OpenAI.APIUserAbortError);
    const upstream = await emulator().waitFor((request) => mentions('non-streamed and abandoned')(request), 10_000);
    expect(upstream.cancelled).toBe(true);
    expect(upstream.evalCount).toBeLessThan(500);
    const [row] = await waitForUsageRows(database, keyId, 1);
    expect(row).toMatchObject({ status: 'cancelled', http_status: 499, stream: false });
  });

  it('a streamed n=2 request whose client leaves cancels both Ollama requests', async () => {
    const { client, keyId } = await keyed('n2-leaver');
    emulator().setOptions({ tokenDelayMs: 20, tokensPerReply: 500, numParallel: 2 });
    const controller = new AbortController();
    const stream = await client.chat.completions.create({ model: 'llama3.2', n: 2, seed: 1, stream: true, messages: [{ role: 'user', content: 'two abandoned streams' }] }, { signal: controller.signal });
    let received = 0;
    try {
      for await (const _chunk of stream) if (++received === 6) controller.abort();
    } catch (error) {
      expect((error as Error).name).toMatch(/Abort/);
    }
    await vi.waitFor(() => expect(emulator().requests().filter(mentions('two abandoned streams'))).toHaveLength(2), { timeout: 10_000 });
    const upstream = emulator().requests().filter(mentions('two abandoned streams'));
    expect(upstream.map((request) => request.cancelled)).toEqual([true, true]);
    const [row] = await waitForUsageRows(database, keyId, 1);
    expect(row).toMatchObject({ status: 'cancelled', http_status: 499, stream: true });
  });

  it('a client that leaves while its image downloads gets no job and a cancelled usage row', async () => {
    const { client, keyId } = await keyed('image-leaver');
    let release!: () => void;
    imageGate = new Promise<void>((resolve) => (release = resolve));
    const hitsBefore = images.hits();
    const controller = new AbortController();
    const pending = client.chat.completions
      .create({ model: 'llava', messages: [{ role: 'user', content: [{ type: 'text', text: 'image and abandoned' }, { type: 'image_url', image_url: { url: `${images.origin}/slow.png` } }] }] }, { signal: controller.signal })
      .catch((caught: unknown) => caught);
    await vi.waitFor(() => expect(images.hits()).toBe(hitsBefore + 1));
    controller.abort();
    expect(await pending).toBeInstanceOf(OpenAI.APIUserAbortError);
    release();
    const [row] = await waitForUsageRows(database, keyId, 1);
    expect(row).toMatchObject({ status: 'cancelled', http_status: 499, completion_tokens: 0 });
    expect(emulator().requests().filter((request) => mentions('image and abandoned')(request) && !request.cancelled)).toEqual([]);
  });

  it('Ollama failing mid-stream ends the SSE stream with an error the SDK raises, recorded as an error', async () => {
    const { client, keyId } = await keyed('mid-stream-failure');
    emulator().setOptions({ tokensPerReply: 20, failAfterTokens: 3 });
    const stream = await client.chat.completions.create({ model: 'llama3.2', stream: true, messages: [{ role: 'user', content: 'fail midway' }] });
    let content = '';
    const consume = async () => {
      for await (const chunk of stream) content += chunk.choices[0]?.delta.content ?? '';
    };
    const error = await consume().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(content.length).toBeGreaterThan(0);
    const [row] = await waitForUsageRows(database, keyId, 1);
    expect(row!.status).toBe('error');
    expect(row!.completion_tokens).toBeGreaterThanOrEqual(3);
  });

  it('Ollama failing during a non-streamed request is a server error in OpenAI shape', async () => {
    const { client } = await keyed('non-stream-failure');
    emulator().setOptions({ tokensPerReply: 20, failAfterTokens: 3 });
    const error = await client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'fail quietly' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const status = (error as InstanceType<typeof OpenAI.APIError>).status ?? 0;
    expect(status).toBeGreaterThanOrEqual(500);
    expect((error as Error).message.length).toBeGreaterThan(10);
  });
});
