import { callAccounting, connectBus, type Bus } from '@corral/bus';
import { dropDatabase } from '@corral/db';
import { testDatabaseUrl } from '@corral/db/testing';
import { startEmulator, startStack, type Emulator, type Stack } from '@corral/testkit';
import { Ollama, type ChatResponse } from 'ollama';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spellTokenEscaped, startRecordingProxy, type RecordingProxy } from './recording-proxy.ts';
import { keyIdNamed, waitForUsageRows } from './usage-rows.ts';

const hello = [{ role: 'user' as const, content: 'Why is the sky blue?' }];

/** Issue 11: Ollama's native API, so the whole fleet looks like one Ollama to native clients. */
describe("Ollama's native API through edge → NATS → worker → emulator", () => {
  let emulator: Emulator;
  let proxy: RecordingProxy;
  let stack: Stack;
  let databaseUrl: string;
  let database: pg.Pool;
  let bus: Bus;
  let apiKey: string;
  let client: Ollama;

  async function waitUntil(probe: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await probe())) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
  const ollamaFor = (key: string) => new Ollama({ host: stack.edgeUrl, headers: bearer(key) });

  /** A key made through accounting (with a model list or limits), once the edge accepts it. */
  async function keyWith(name: string, settings: { models?: string[]; rpm?: number }): Promise<string> {
    const { plaintext } = await callAccounting(bus, 'keys.create', { name, ...settings });
    await waitUntil(async () => (await fetch(`${stack.edgeUrl}/api/version`, { headers: bearer(plaintext) })).status === 200);
    return plaintext;
  }

  beforeAll(async () => {
    emulator = await startEmulator({ tokensPerReply: 4 });
    // The worker's Ollama is the emulator behind a proxy that keeps every byte it answered, each
    // token spelled in escapes (as Go escapes `<`), so only a gateway passing lines on keeps them.
    proxy = await startRecordingProxy(emulator.url, spellTokenEscaped);
    databaseUrl = testDatabaseUrl('e2eollamanative');
    stack = await startStack({ workers: [{ ollamaUrl: proxy.url }], accounting: { databaseUrl } });
    database = new pg.Pool({ connectionString: databaseUrl });
    bus = await connectBus({ servers: stack.env.NATS_URL!, name: 'ollama-native-e2e', prefix: stack.prefix });
    apiKey = await stack.createKey('native');
    client = ollamaFor(apiKey);
    await callAccounting(bus, 'models.set', { alias: 'fast', target: 'llama3.2', options: { num_ctx: 8192 }, visible: true });
    await waitUntil(async () => (await client.list()).models.some((model) => model.name === 'fast'));
  });
  afterAll(async () => {
    await bus?.close();
    await database?.end();
    await stack?.close();
    await proxy?.close();
    await emulator?.close();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });
  afterEach(() => emulator.setOptions({ tokensPerReply: 4, tokenDelayMs: 0, failAfterTokens: undefined }));

  it('lists the fleet and its visible aliases, says which models are loaded, shows one, and reports the fleet version', async () => {
    const listed = await client.list();
    expect(listed.models.map((model) => model.name)).toEqual(['all-minilm:latest', 'codellama:latest', 'fast', 'llama3.2:latest', 'llava:latest', 'qwen3:latest']);
    const llama = listed.models.find((model) => model.name === 'llama3.2:latest')!;
    expect(llama).toMatchObject({ model: 'llama3.2:latest', size: 2019393189, details: { family: 'llama', parameter_size: '3.2B', quantization_level: 'Q4_K_M' } });
    expect(listed.models.find((model) => model.name === 'fast')!.details.family).toBe('llama');

    await client.chat({ model: 'llama3.2', messages: hello });
    await waitUntil(async () => (await client.ps()).models.some((model) => model.name === 'llama3.2:latest'));
    const running = (await client.ps()).models.find((model) => model.name === 'llama3.2:latest')!;
    expect(Date.parse(running.expires_at as unknown as string)).toBeGreaterThan(Date.now());
    expect(typeof running.size_vram).toBe('number');

    const shown = await client.show({ model: 'llama3.2' });
    const direct = (await (await fetch(`${emulator.url}/api/show`, { method: 'POST', body: JSON.stringify({ model: 'llama3.2' }) })).json()) as Record<string, unknown>;
    expect(shown).toEqual(direct);
    expect((shown.model_info as unknown as Record<string, unknown>)['general.architecture']).toBe('llama');

    expect(await client.version()).toEqual({ version: '0.33.0-rc2' });
  });

  it('chats streamed, passing the worker chunks through byte for byte, and not streamed as one merged object', async () => {
    const before = proxy.answers().length;
    const response = await fetch(`${stack.edgeUrl}/api/chat`, { method: 'POST', headers: bearer(apiKey), body: JSON.stringify({ model: 'llama3.2', messages: hello }) });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-ndjson');
    const streamed = await response.text();
    const sent = proxy.answers().slice(before).find((answer) => answer.path === '/api/chat')!;
    expect(sent.body).toContain('\\u00');
    expect(streamed).toBe(sent.body);
    expect(streamed.trim().split('\n').length).toBeGreaterThan(2);

    let content = '';
    let last: ChatResponse | undefined;
    for await (const part of await client.chat({ model: 'llama3.2', messages: hello, stream: true })) {
      content += part.message.content;
      last = part;
    }
    expect(last).toMatchObject({ done: true, done_reason: 'stop', model: 'llama3.2' });
    expect(last!.eval_count).toBeGreaterThan(0);

    const whole = await client.chat({ model: 'llama3.2', messages: hello });
    const direct = (await (await fetch(`${emulator.url}/api/chat`, { method: 'POST', body: JSON.stringify({ model: 'llama3.2', messages: hello, stream: false }) })).json()) as ChatResponse;
    expect(whole.message).toEqual(direct.message);
    expect(whole.message.content).toBe(content);
    expect(Object.keys(whole)).toEqual(Object.keys(direct));
    expect(whole).toMatchObject({ model: 'llama3.2', done: true, done_reason: 'stop', prompt_eval_count: direct.prompt_eval_count, eval_count: direct.eval_count });
  });

  it("runs an alias on its target with the alias's overrides, and names the alias in every answer", async () => {
    const chunks: string[] = [];
    for await (const part of await client.chat({ model: 'fast', messages: hello, stream: true })) chunks.push(part.model);
    expect(new Set(chunks)).toEqual(new Set(['fast']));
    const seen = await emulator.waitFor((request) => request.path === '/api/chat' && (request.body as { options?: { num_ctx?: number } }).options?.num_ctx === 8192);
    expect(seen.model).toBe('llama3.2');

    const generated = await client.generate({ model: 'fast', prompt: 'Why?', options: { num_ctx: 2048 } });
    expect(generated.model).toBe('fast');
    const overridden = await emulator.waitFor((request) => request.path === '/api/generate' && (request.body as { prompt?: string }).prompt === 'Why?');
    // The request's own value wins over the alias override.
    expect((overridden.body as { options: { num_ctx: number } }).options.num_ctx).toBe(2048);
  });

  it('generates streamed and not, and embeds with /api/embed and the legacy /api/embeddings', async () => {
    let text = '';
    for await (const part of await client.generate({ model: 'llama3.2', prompt: 'Why is the sky blue?', stream: true })) text += part.response;
    const whole = await client.generate({ model: 'llama3.2', prompt: 'Why is the sky blue?' });
    expect(whole.response).toBe(text);
    expect(whole).toMatchObject({ done: true, done_reason: 'stop' });
    expect(whole.context?.length).toBeGreaterThan(0);

    const embedded = await client.embed({ model: 'all-minilm', input: ['Why is the sky blue?', 'Why is the grass green?'] });
    const direct = (await (await fetch(`${emulator.url}/api/embed`, { method: 'POST', body: JSON.stringify({ model: 'all-minilm', input: ['Why is the sky blue?', 'Why is the grass green?'] }) })).json()) as { embeddings: number[][] };
    expect(embedded.model).toBe('all-minilm');
    expect(embedded.embeddings).toEqual(direct.embeddings);

    const legacy = await client.embeddings({ model: 'all-minilm', prompt: 'Why is the sky blue?' });
    expect(legacy.embedding).toEqual(direct.embeddings[0]);
    expect(await client.embeddings({ model: 'all-minilm', prompt: '' })).toEqual({ embedding: [] });
  });

  it("answers errors as Ollama does: 404 for an unknown model, 400 for a bad body, 401 for a bad key, an error line mid-stream", async () => {
    const missing = await client.chat({ model: 'nope', messages: hello }).catch((error: unknown) => error);
    expect(missing).toMatchObject({ name: 'ResponseError', status_code: 404, error: 'model "nope" not found, try pulling it first' });
    const missingEmbed = await client.embed({ model: 'nope', input: 'x' }).catch((error: unknown) => error);
    expect(missingEmbed).toMatchObject({ status_code: 404, error: 'model "nope" not found, try pulling it first' });

    const bad = await fetch(`${stack.edgeUrl}/api/chat`, { method: 'POST', headers: bearer(apiKey), body: JSON.stringify({ messages: hello }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'model is required' });
    // Sent as curl -d sends it (a form Content-Type), a body is still read as JSON, as Ollama reads it.
    const form = await fetch(`${stack.edgeUrl}/api/chat`, { method: 'POST', headers: { ...bearer(apiKey), 'content-type': 'application/x-www-form-urlencoded' }, body: '{"model": x}' });
    expect(form.status).toBe(400);
    expect(((await form.json()) as { error: string }).error).toContain('not valid JSON');
    const tooDeep = await fetch(`${stack.edgeUrl}/api/chat`, { method: 'POST', headers: bearer(apiKey), body: `{"model":"llama3.2","format":${'['.repeat(200)}${']'.repeat(200)}}` });
    expect(tooDeep.status).toBe(400);
    expect(((await tooDeep.json()) as { error: string }).error).toContain('nested too deeply');
    const badOption = await fetch(`${stack.edgeUrl}/api/generate`, { method: 'POST', headers: bearer(apiKey), body: JSON.stringify({ model: 'llama3.2', prompt: 'x', options: { stop: 'x' } }) });
    expect(badOption.status).toBe(400);
    expect(((await badOption.json()) as { error: string }).error).toContain('options.stop');

    const unauthorised = await ollamaFor('sk-corral-wrong').list().catch((error: unknown) => error);
    expect(unauthorised).toMatchObject({ status_code: 401 });
    const noKey = await fetch(`${stack.edgeUrl}/api/chat`, { method: 'POST', body: JSON.stringify({ model: 'llama3.2', messages: hello }) });
    expect(noKey.status).toBe(401);
    expect(Object.keys((await noKey.json()) as object)).toEqual(['error']);

    emulator.setOptions({ tokensPerReply: 20, failAfterTokens: 3 });
    let content = '';
    const consume = async () => {
      for await (const part of await client.chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'fail midway' }], stream: true })) content += part.message.content;
    };
    const broken = await consume().catch((error: unknown) => error as Error);
    const failed = await emulator.waitFor((request) => JSON.stringify(request.body).includes('fail midway'));
    expect(content.length).toBeGreaterThan(0);
    expect(broken).toBeInstanceOf(Error);
    expect((broken as Error).message).toBe(failed.error);
  });

  it('cancels the job when the client goes away mid-stream: Ollama stops generating, the usage row says cancelled', async () => {
    const key = await stack.createKey('native-cancel');
    const keyId = await keyIdNamed(database, 'native-cancel');
    emulator.setOptions({ tokensPerReply: 400, tokenDelayMs: 20 });
    const stream = await ollamaFor(key).chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'walk away' }], stream: true });
    let received = 0;
    const consume = async () => {
      for await (const _part of stream) if (++received === 3) stream.abort();
    };
    await consume().catch(() => undefined);
    const cancelled = await emulator.waitFor((request) => request.cancelled && JSON.stringify(request.body).includes('walk away'), 10_000);
    expect(cancelled.evalCount).toBeLessThan(400);
    const [row] = await waitForUsageRows(database, keyId, 1);
    expect(row).toMatchObject({ endpoint: '/api/chat', status: 'cancelled', http_status: 499 });
  });

  it('refuses model management with 403 and answers GET / and HEAD / as Ollama does', async () => {
    for (const [method, path] of [['POST', '/api/pull'], ['POST', '/api/push'], ['POST', '/api/create'], ['POST', '/api/copy'], ['DELETE', '/api/delete']] as const) {
      const response = await fetch(`${stack.edgeUrl}${path}`, { method, headers: { ...bearer(apiKey), 'content-type': 'application/json' }, body: JSON.stringify({ model: 'llama3.2' }) });
      expect(response.status, path).toBe(403);
      expect(((await response.json()) as { error: string }).error).toMatch(/^model management is not available through Corral: /);
    }
    const pull = await client.pull({ model: 'llama3.2' }).catch((error: unknown) => error);
    expect(pull).toMatchObject({ status_code: 403 });

    const root = await fetch(`${stack.edgeUrl}/`);
    expect(root.status).toBe(200);
    expect(await root.text()).toBe('Ollama is running');
    expect((await fetch(`${stack.edgeUrl}/`, { method: 'HEAD' })).status).toBe(200);
    const unknown = await fetch(`${stack.edgeUrl}/api/nothing`, { headers: bearer(apiKey) });
    expect(unknown.status).toBe(404);
    expect(Object.keys((await unknown.json()) as object)).toEqual(['error']);
  });

  it('hides a model the key may not use: absent from /api/tags and /api/ps, 404 in Ollama words on /api/chat and /api/show', async () => {
    const key = await keyWith('qwen-only', { models: ['qwen3'] });
    const limited = ollamaFor(key);
    expect((await limited.list()).models.map((model) => model.name)).toEqual(['qwen3:latest']);
    expect((await limited.ps()).models.map((model) => model.name)).not.toContain('llama3.2:latest');
    expect(await limited.chat({ model: 'llama3.2', messages: hello }).catch((error: unknown) => error)).toMatchObject({ status_code: 404, error: 'model "llama3.2" not found, try pulling it first' });
    expect(await limited.show({ model: 'llama3.2' }).catch((error: unknown) => error)).toMatchObject({ status_code: 404 });
    expect((await limited.chat({ model: 'qwen3', messages: hello, think: false })).message.content.length).toBeGreaterThan(0);
  });

  it('applies the key rate limit with a 429 in Ollama shape', async () => {
    const key = await keyWith('one-a-minute', { rpm: 1 });
    await ollamaFor(key).chat({ model: 'llama3.2', messages: hello });
    const limited = await fetch(`${stack.edgeUrl}/api/chat`, { method: 'POST', headers: bearer(key), body: JSON.stringify({ model: 'llama3.2', messages: hello }) });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await limited.json()) as { error: string }).error).toContain('Rate limit reached');
  });

  it("serves the request sequence Open WebUI makes against an Ollama connection, with a Bearer key", async () => {
    const headers = { ...bearer(apiKey), 'content-type': 'application/json' };
    const version = await fetch(`${stack.edgeUrl}/api/version`, { headers });
    expect(await version.json()).toEqual({ version: '0.33.0-rc2' });
    const tags = (await (await fetch(`${stack.edgeUrl}/api/tags`, { headers })).json()) as { models: { model: string }[] };
    expect(tags.models.map((model) => model.model)).toContain('llama3.2:latest');
    const ps = (await (await fetch(`${stack.edgeUrl}/api/ps`, { headers })).json()) as { models: unknown[] };
    expect(Array.isArray(ps.models)).toBe(true);
    const show = await fetch(`${stack.edgeUrl}/api/show`, { method: 'POST', headers, body: JSON.stringify({ model: 'llama3.2:latest' }) });
    expect(((await show.json()) as { capabilities: string[] }).capabilities).toContain('completion');
    const chat = await fetch(`${stack.edgeUrl}/api/chat`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: 'llama3.2:latest', messages: hello, stream: true, options: { temperature: 0.7 }, keep_alive: '5m' }),
    });
    const lines = (await chat.text()).trim().split('\n').map((line) => JSON.parse(line) as { done: boolean; message: { content: string } });
    expect(lines.at(-1)!.done).toBe(true);
    expect(lines.map((line) => line.message.content).join('').length).toBeGreaterThan(0);
    const embed = await fetch(`${stack.edgeUrl}/api/embed`, { method: 'POST', headers, body: JSON.stringify({ model: 'all-minilm:latest', input: ['a document'] }) });
    expect(((await embed.json()) as { embeddings: number[][] }).embeddings).toHaveLength(1);
  });

  it('records one usage row per request with its native endpoint', async () => {
    const key = await stack.createKey('native-usage');
    const keyId = await keyIdNamed(database, 'native-usage');
    const counted = ollamaFor(key);
    await counted.chat({ model: 'llama3.2', messages: hello });
    for await (const _part of await counted.chat({ model: 'llama3.2', messages: hello, stream: true })) {
      // Read to the end.
    }
    await counted.embed({ model: 'all-minilm', input: 'x' });
    await counted.chat({ model: 'nope', messages: hello }).catch(() => undefined);
    const rows = await waitForUsageRows(database, keyId, 4);
    expect(rows.map((row) => [row.endpoint, row.stream, row.http_status])).toEqual([
      ['/api/chat', false, 200],
      ['/api/chat', true, 200],
      ['/api/embed', false, 200],
      ['/api/chat', false, 404],
    ]);
    expect(rows[0]!.completion_tokens).toBeGreaterThan(0);
    expect(rows[0]!.prompt_tokens).toBeGreaterThan(0);
  });
});
