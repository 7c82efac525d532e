import { connectBus } from '@corral/bus';
import type { ChatRequest } from '@corral/ollama';
import { countChatPromptTokens, natsUrl, startStack, type Stack } from '@corral/testkit';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createWireRecorder } from './chat-wire.ts';
import { pngLike, startImageServer, type ImageServer, type Route } from './image-server.ts';

/** Vision requests: data URLs, fetched http URLs and the SSRF guard in front of them. */

const cat = pngLike('cat');
const dog = pngLike('dog');
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const MAX_BYTES = 4096;

describe('vision with the openai SDK', () => {
  let stack: Stack;
  let client: OpenAI;
  /** On IMAGE_FETCH_ALLOWED_HOSTS. */
  let allowed: ImageServer;
  /** Loopback too, but not allowlisted: must never be reached. */
  let internal: ImageServer;
  const wire = createWireRecorder();
  /** Holds /slow.png until a test releases it. */
  let slowGate: Promise<void> = Promise.resolve();
  /** The NATS server's max_payload: the largest job the edge can send a worker. */
  let maxPayload: number;
  /** /held/<n>.png downloads wait until a test releases them one by one. */
  const heldReleases: Array<() => void> = [];
  let released = 0;
  let releasedWhenSentinelArrived: number | undefined;
  const heldRoutes: Record<string, () => Route> = {};
  for (let index = 0; index < 8; index++) {
    heldRoutes[`/held/${index}.png`] = () => ({ contentType: 'image/png', body: pngLike(`held${index}`), release: new Promise<void>((resolve) => heldReleases.push(resolve)) });
  }

  beforeAll(async () => {
    const bus = await connectBus({ servers: natsUrl, name: 'chat-vision-probe', prefix: 'probe' });
    maxPayload = bus.nc.info!.max_payload;
    await bus.close();
    internal = await startImageServer({ '/secret.png': { contentType: 'image/png', body: pngLike('secret') } });
    allowed = await startImageServer({
      '/cat.png': { contentType: 'image/png', body: cat },
      '/dog.png': { contentType: 'image/png; charset=binary', body: dog },
      '/to-cat': { status: 302, location: '/cat.png' },
      '/to-internal': { status: 302, location: `${internal.origin}/secret.png` },
      '/big.png': { contentType: 'image/png', body: pngLike('big', MAX_BYTES * 2) },
      '/page.html': { contentType: 'text/html', body: new TextEncoder().encode('<html></html>') },
      '/slow.png': () => ({ contentType: 'image/png', body: cat, release: slowGate }),
      ...heldRoutes,
      '/sentinel.png': () => {
        releasedWhenSentinelArrived = released;
        return { contentType: 'image/png', body: dog };
      },
    });
    stack = await startStack({
      workers: [{ emulator: { tokensPerReply: 4 } }],
      edgeEnv: {
        IMAGE_FETCH_ALLOWED_HOSTS: allowed.host,
        IMAGE_FETCH_MAX_BYTES: String(MAX_BYTES),
        IMAGE_FETCH_TIMEOUT_MS: '3000',
        // Room for an inline image larger than the bus can carry.
        BODY_LIMIT_BYTES: String(Math.max(25 * 1024 * 1024, maxPayload * 3)),
      },
    });
    client = new OpenAI({ baseURL: `${stack.edgeUrl}/v1`, apiKey: 'test', maxRetries: 0, fetch: wire.fetch });
  });
  afterAll(async () => {
    await stack?.close();
    await allowed?.close();
    await internal?.close();
  });
  afterEach(async () => {
    const report = await wire.settle();
    expect(report.violations).toEqual([]);
  });

  const emulator = () => stack.workers[0]!.emulator;
  const upstreamBody = () => emulator().requests().at(-1)!.body as ChatRequest;
  const ask = (parts: OpenAI.ChatCompletionContentPart[], options?: OpenAI.RequestOptions, text = 'What is in this picture?') =>
    client.chat.completions.create({ model: 'llava', messages: [{ role: 'user', content: [{ type: 'text', text }, ...parts] }] }, options);

  it('sends a data URL image to Ollama as raw base64 in images[]', async () => {
    const completion = await ask([{ type: 'image_url', image_url: { url: `data:image/png;base64,${base64(cat)}` } }]);
    expect(upstreamBody().messages).toEqual([{ role: 'user', content: 'What is in this picture?', images: [base64(cat)] }]);
    expect(completion.choices[0]!.message.content).toBe(emulator().requests().at(-1)!.content);
    // The image is part of the prompt Ollama evaluated.
    expect(completion.usage?.prompt_tokens).toBe(countChatPromptTokens(upstreamBody()));
  });

  it('downloads an http image URL from an allowlisted host and sends its bytes', async () => {
    const hitsBefore = allowed.hits();
    await ask([{ type: 'image_url', image_url: { url: `${allowed.origin}/cat.png`, detail: 'low' } }]);
    expect(upstreamBody().messages[0]!.images).toEqual([base64(cat)]);
    expect(allowed.hits()).toBe(hitsBefore + 1);
  });

  it('follows a redirect that stays on an allowed host', async () => {
    await ask([{ type: 'image_url', image_url: { url: `${allowed.origin}/to-cat` } }]);
    expect(upstreamBody().messages[0]!.images).toEqual([base64(cat)]);
  });

  it('keeps several images of one message in order, and images of several messages apart', async () => {
    await client.chat.completions.create({
      model: 'llava',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare' },
            { type: 'image_url', image_url: { url: `${allowed.origin}/dog.png` } },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${base64(cat)}` } },
            { type: 'text', text: 'and' },
            { type: 'image_url', image_url: { url: `${allowed.origin}/cat.png` } },
          ],
        },
        { role: 'assistant', content: 'A dog and two cats.' },
        { role: 'user', content: [{ type: 'text', text: 'And this one?' }, { type: 'image_url', image_url: { url: `${allowed.origin}/dog.png` } }] },
      ],
    });
    const messages = upstreamBody().messages;
    expect(messages[0]).toEqual({ role: 'user', content: 'Compare\nand', images: [base64(dog), base64(cat), base64(cat)] });
    expect(messages[1]).toEqual({ role: 'assistant', content: 'A dog and two cats.' });
    expect(messages[2]).toEqual({ role: 'user', content: 'And this one?', images: [base64(dog)] });
  });

  it('streams an answer about a fetched image', async () => {
    const stream = await client.chat.completions.create({ model: 'llava', stream: true, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `${allowed.origin}/dog.png` } }] }] });
    let content = '';
    for await (const chunk of stream) content += chunk.choices[0]?.delta.content ?? '';
    expect(content).toBe(emulator().requests().at(-1)!.content);
    expect(upstreamBody().messages[0]!.images).toEqual([base64(dog)]);
  });

  it('fetches an image used several times in a request once', async () => {
    const hitsBefore = allowed.hits();
    const part = { type: 'image_url' as const, image_url: { url: `${allowed.origin}/dog.png` } };
    await ask([part, part, part]);
    expect(upstreamBody().messages[0]!.images).toEqual([base64(dog), base64(dog), base64(dog)]);
    expect(allowed.hits()).toBe(hitsBefore + 1);
  });

  it('downloads at most eight images of a request at once', async () => {
    const urls = [...Array.from({ length: 8 }, (_, index) => `${allowed.origin}/held/${index}.png`), `${allowed.origin}/sentinel.png`];
    const pending = ask(urls.map((url) => ({ type: 'image_url' as const, image_url: { url } })));
    await vi.waitFor(() => expect(heldReleases).toHaveLength(8));
    // The ninth download may only start once one of the eight running ones has finished.
    released += 1;
    heldReleases[0]!();
    await vi.waitFor(() => expect(releasedWhenSentinelArrived).toBeDefined());
    expect(releasedWhenSentinelArrived).toBe(1);
    for (const release of heldReleases.slice(1)) release();
    await pending;
    expect(upstreamBody().messages[0]!.images).toHaveLength(9);
  });

  it('starts no job for a client that left while its image was downloading', async () => {
    let release!: () => void;
    slowGate = new Promise<void>((resolve) => (release = resolve));
    const hitsBefore = allowed.hits();
    const controller = new AbortController();
    const abandoned = ask([{ type: 'image_url', image_url: { url: `${allowed.origin}/slow.png` } }], { signal: controller.signal }, 'abandoned picture').catch((caught: unknown) => caught);
    await vi.waitFor(() => expect(allowed.hits()).toBe(hitsBefore + 1));
    controller.abort();
    expect(await abandoned).toBeInstanceOf(OpenAI.APIUserAbortError);
    release();
    // llava runs one request at a time: once this later one is answered, a job for the abandoned one would have run.
    await ask([{ type: 'image_url', image_url: { url: `data:image/png;base64,${base64(dog)}` } }], undefined, 'a later picture');
    const ran = emulator().requests().filter((request) => JSON.stringify(request.body).includes('abandoned picture') && !request.cancelled);
    expect(ran).toEqual([]);
  });

  it('carries images larger than one bus message (NATS max_payload) to Ollama intact', async () => {
    const large = base64(new Uint8Array(maxPayload * 2).fill(1));
    await ask([{ type: 'image_url', image_url: { url: `data:image/png;base64,${large}` } }]);
    expect(upstreamBody().messages[0]!.images).toEqual([large]);

    const fits = base64(new Uint8Array(Math.floor(maxPayload / 2)).fill(2));
    await ask([{ type: 'image_url', image_url: { url: `data:image/png;base64,${fits}` } }]);
    expect(upstreamBody().messages[0]!.images).toEqual([fits]);
  });

  it('refuses a loopback URL that is not allowlisted with a 400 naming the image, without connecting', async () => {
    const requestsBefore = emulator().requests().length;
    const url = `${internal.origin}/secret.png`;
    const error = await ask([{ type: 'image_url', image_url: { url } }]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, type: 'invalid_request_error', param: 'messages[0].content[1].image_url' });
    expect((error as InstanceType<typeof OpenAI.APIError>).message).toContain(url);
    expect(internal.hits()).toBe(0);
    expect(emulator().requests().length).toBe(requestsBefore);
  });

  it('refuses a redirect from an allowed host to a blocked one', async () => {
    const error = await ask([
      { type: 'image_url', image_url: { url: `${allowed.origin}/cat.png` } },
      { type: 'image_url', image_url: { url: `${allowed.origin}/to-internal` } },
    ]).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 400, param: 'messages[0].content[2].image_url' });
    expect((error as InstanceType<typeof OpenAI.APIError>).message).toContain(`${allowed.origin}/to-internal`);
    expect(internal.hits()).toBe(0);
  });

  it('refuses images that are too large, not images, missing, or malformed data URLs', async () => {
    const cases: Array<{ url: string; mention: string }> = [
      { url: `${allowed.origin}/big.png`, mention: 'big.png' },
      { url: `${allowed.origin}/page.html`, mention: 'text/html' },
      { url: `${allowed.origin}/missing.png`, mention: '404' },
      { url: 'data:image/png;base64,@@not-base64@@', mention: 'base64' },
      { url: 'file:///etc/passwd', mention: 'http' },
    ];
    for (const testCase of cases) {
      const error = await ask([{ type: 'image_url', image_url: { url: testCase.url } }]).catch((caught: unknown) => caught);
      expect(error, testCase.url).toMatchObject({ status: 400, param: 'messages[0].content[1].image_url' });
      expect((error as InstanceType<typeof OpenAI.APIError>).message, testCase.url).toContain(testCase.mention);
    }
  });

  it('raw wire: the 400 for a blocked image is an OpenAI error object and no stream starts', async () => {
    const response = await fetch(`${stack.edgeUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'llava', stream: true, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'http://169.254.169.254/latest/meta-data/' } }] }] }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as { error: { type: string; code: string | null; param: string | null; message: string } };
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_image_url', param: 'messages[0].content[0].image_url' });
    expect(body.error.message).toContain('169.254.169.254');
  });
});
