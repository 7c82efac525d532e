import { connectBus, sendWorkerCommand, type Bus } from '@corral/bus';
import { natsUrl, OLLAMA_VERSION, startStack, type Stack } from '@corral/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corral } from './cli.ts';

/**
 * Operator commands through the whole path: edge → NATS → two workers, each beside its own
 * emulator. Which worker served a request is read from the emulators' own request logs.
 */
describe('cordon, uncordon and drain a worker of a running fleet', () => {
  let stack: Stack;
  let bus: Bus;
  let client: OpenAI;

  beforeAll(async () => {
    stack = await startStack({
      workers: [
        // A slow one, so a stream is still running when its worker is cordoned or drained.
        { emulator: { tokenDelayMs: 20, tokensPerReply: 80 } },
        { emulator: { tokensPerReply: 8, numParallel: 4 } },
      ],
    });
    bus = await connectBus({ servers: natsUrl, name: 'fleet-commands-test', prefix: stack.prefix });
    client = new OpenAI({ baseURL: `${stack.edgeUrl}/v1`, apiKey: 'test', maxRetries: 0, timeout: 30_000 });
  });

  afterAll(async () => {
    await bus?.close();
    await stack?.close();
  });

  const workerId = (index: number) => stack.workers[index]!.workerId;
  const servedBy = (index: number, marker: string) => stack.workers[index]!.emulator.requests().filter((request) => JSON.stringify(request.body).includes(marker));
  // Short answers: which worker serves is the point, not what it says.
  const ask = (content: string) => client.chat.completions.create({ model: 'llama3.2', max_tokens: 4, messages: [{ role: 'user', content }] });

  /** A stream on worker 0 (worker 1 cordoned meanwhile), read up to its third chunk. */
  async function streamOnFirstWorker(marker: string) {
    await sendWorkerCommand(bus, workerId(1), 'cordon');
    const stream = await client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: marker }], stream: true });
    const chunks = stream[Symbol.asyncIterator]();
    let content = '';
    for (let received = 0; received < 3; received++) {
      const next = await chunks.next();
      if (next.done) throw new Error('the stream ended early');
      content += next.value.choices[0]?.delta?.content ?? '';
    }
    await sendWorkerCommand(bus, workerId(1), 'uncordon');
    const rest = async () => {
      let finishReason: string | null | undefined;
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
        content += next.value.choices[0]?.delta?.content ?? '';
        finishReason = next.value.choices[0]?.finish_reason ?? finishReason;
      }
      return { content, finishReason };
    };
    return { rest };
  }

  it('sends every new request to the other worker while one is cordoned, and lets its running stream finish', async () => {
    const running = await streamOnFirstWorker('cordoned but running');
    expect(await sendWorkerCommand(bus, workerId(0), 'cordon')).toEqual({ v: 1, workerId: workerId(0), cordoned: true, draining: false });

    await Promise.all(Array.from({ length: 8 }, (_, index) => ask(`while cordoned ${index}`)));
    expect(servedBy(1, 'while cordoned')).toHaveLength(8);
    expect(servedBy(0, 'while cordoned')).toHaveLength(0);
    // Readiness counts only workers that take new jobs: the cordoned one is heard from but unavailable.
    await expect
      .poll(async () => (await fetch(`${stack.edgeUrl}/readyz`)).json(), { timeout: 5_000 })
      .toEqual({ status: 'ready', nats: 'connected', workers: 1, unavailableWorkers: 1 });

    const { content, finishReason } = await running.rest();
    expect(finishReason).toBe('stop');
    const [recorded] = servedBy(0, 'cordoned but running');
    expect(recorded).toMatchObject({ cancelled: false, content });
  });

  it('takes jobs on the uncordoned worker again', async () => {
    expect(await sendWorkerCommand(bus, workerId(0), 'uncordon')).toMatchObject({ cordoned: false, draining: false });
    // With the other cordoned, only the uncordoned one can serve: a 503 would mean it still refuses.
    await sendWorkerCommand(bus, workerId(1), 'cordon');
    try {
      for (let index = 0; index < 3; index++) await ask(`uncordoned ${index}`);
    } finally {
      await sendWorkerCommand(bus, workerId(1), 'uncordon');
    }
    expect(servedBy(0, 'uncordoned')).toHaveLength(3);
  });

  it('corral workers lists the fleet from its heartbeats and cordons and uncordons a worker', async () => {
    const listed = await corral(stack.env, 'workers', 'list');
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+UPSTREAM\s+VERSION\s+MODELS LOADED\/INSTALLED\s+INFLIGHT\/CAPACITY\s+HEALTHY\s+CORDONED\s+DRAINING$/);
    for (const index of [0, 1]) {
      const row = lines.find((line) => line.startsWith(`${workerId(index)} `));
      expect(row).toBeDefined();
      expect(row!.split(/\s+/)).toEqual([workerId(index), stack.workers[index]!.emulator.url, OLLAMA_VERSION, expect.stringMatching(/^1\/\d+$/), '0/4', 'yes', 'no', 'no']);
    }

    const cordoned = await corral(stack.env, 'workers', 'cordon', workerId(1));
    expect(cordoned).toMatchObject({ code: 0, stdout: expect.stringContaining(`worker ${workerId(1)} cordoned`) });
    try {
      const json = await corral(stack.env, 'workers', 'list', '--json');
      const rows = JSON.parse(json.stdout) as Array<{ workerId: string; cordoned: boolean; upstreamVersion: string }>;
      // Sorted by id; the stack names its workers w0…, w1….
      expect(rows.map((row) => [row.workerId, row.cordoned])).toEqual([
        [workerId(0), false],
        [workerId(1), true],
      ]);
    } finally {
      expect((await corral(stack.env, 'workers', 'uncordon', workerId(1), '--json')).stdout).toContain('"cordoned": false');
    }

    const unknown = await corral(stack.env, 'workers', 'drain', 'nobody-here');
    expect(unknown).toMatchObject({ code: 3, stderr: expect.stringContaining('no worker nobody-here is listening') });
    expect(await corral(stack.env, 'workers', 'cordon')).toMatchObject({ code: 2, stderr: expect.stringContaining('usage: corral workers cordon ID') });
  });

  it('drain finishes the stream in flight, then the worker process exits 0 and the fleet goes on', async () => {
    const running = await streamOnFirstWorker('drained but running');
    expect(await sendWorkerCommand(bus, workerId(0), 'drain')).toEqual({ v: 1, workerId: workerId(0), cordoned: true, draining: true });

    const { content, finishReason } = await running.rest();
    expect(finishReason).toBe('stop');
    expect(servedBy(0, 'drained but running')[0]).toMatchObject({ cancelled: false, content });
    expect(await stack.workers[0]!.process.exited).toBe(0);

    await stack.waitForWorkers(1);
    await ask('after the drain');
    expect(servedBy(1, 'after the drain')).toHaveLength(1);
  });
});
