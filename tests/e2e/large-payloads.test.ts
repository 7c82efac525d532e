import { createHash, randomBytes } from 'node:crypto';
import { configureBlobBucket, connectBus, deleteBlobBucket, ensureBlobBucket, listBlobs, type Bus } from '@corral/bus';
import { DEFAULT_MODELS, natsUrl, startStack, type EmulatedModel, type Stack } from '@corral/testkit';
import { TEST_STORAGE_LIMITS } from '@corral/testkit/testing';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * Requests and answers larger than NATS's max_payload (1 MiB by default): the edge parks a large
 * job body in the object store and the worker parks a large answer there, each passing the blob's
 * name over NATS instead.
 */

/** Vectors so wide that a handful of them make an /api/embed answer of several MB. */
const WIDE_MODEL: EmulatedModel = { name: 'wide-embed:latest', capabilities: ['embedding'], family: 'bert', embeddingLength: 65_536 };

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface NativeEmbedding {
  embeddings: number[][];
}

describe('payloads above NATS max_payload through edge → NATS → worker → emulator', () => {
  let stack: Stack;
  let client: OpenAI;
  /** The stack's bus, to look into the blobs bucket. */
  let probe: Bus;
  let maxPayload: number;

  beforeAll(async () => {
    stack = await startStack({ workers: [{ emulator: { tokensPerReply: 4, models: [...DEFAULT_MODELS, WIDE_MODEL] } }] });
    probe = await connectBus({ servers: natsUrl, name: 'large-payloads-probe', prefix: stack.prefix });
    // Listing would create the bucket if the edge has not yet: with the stack's cap, not the production one.
    configureBlobBucket(probe, { maxBucketBytes: TEST_STORAGE_LIMITS.blobBucketMaxBytes });
    maxPayload = probe.nc.info!.max_payload;
    client = new OpenAI({ baseURL: `${stack.edgeUrl}/v1`, apiKey: 'test', maxRetries: 0 });
  });
  afterAll(async () => {
    await stack?.close();
    if (probe) {
      await deleteBlobBucket(probe);
      await probe.close();
    }
  });

  const emulator = () => stack.workers[0]!.emulator;

  /** Every blob is consumed or deleted once its request ends (the delete of a job body trails the answer). */
  async function expectNoBlobsLeft(): Promise<void> {
    let names = await listBlobs(probe);
    for (let poll = 0; poll < 50 && names.length > 0; poll++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      names = await listBlobs(probe);
    }
    expect(names).toEqual([]);
  }

  it('sends a ~3 MB data URL image to Ollama whole and answers with the openai SDK', async () => {
    const image = randomBytes(3 * 1024 * 1024).toString('base64');
    expect(image.length).toBeGreaterThan(maxPayload * 3);
    const response = await client.responses.create({
      model: 'llava',
      store: false,
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'What is in this large picture?' },
            { type: 'input_image', image_url: `data:image/png;base64,${image}`, detail: 'auto' },
          ],
        },
      ],
    });

    const upstream = await emulator().waitFor((request) => JSON.stringify(request.body).includes('What is in this large picture?'));
    const images = (upstream.body as { messages: Array<{ images?: string[] }> }).messages.flatMap((message) => message.images ?? []);
    expect(images).toHaveLength(1);
    expect(images[0]!.length).toBe(image.length);
    expect(sha256(images[0]!)).toBe(sha256(image));
    expect(response.status).toBe('completed');
    expect(response.output_text).toBe(upstream.content);
    await expectNoBlobsLeft();
  });

  it('returns an embeddings answer far above max_payload from one job, every vector intact', async () => {
    const input = ['wide one', 'wide two', 'wide three', 'wide four'];
    const { data: embeddings, response } = await client.embeddings.create({ model: 'wide-embed', input, encoding_format: 'float' }).withResponse();

    const jobs = emulator()
      .requests()
      .filter((request) => request.path === '/api/embed' && JSON.stringify(request.body).includes('wide one'));
    // One job: the answer was not split to fit in messages, it went through the object store.
    expect(jobs).toHaveLength(1);
    const direct = (await (
      await fetch(`${emulator().url}/api/embed`, { method: 'POST', body: JSON.stringify({ model: 'wide-embed', input }) })
    ).json()) as NativeEmbedding;
    expect(JSON.stringify(direct.embeddings).length).toBeGreaterThan(maxPayload * 3);
    expect(response.status).toBe(200);
    expect(embeddings.data.map((item) => item.index)).toEqual([0, 1, 2, 3]);
    expect(embeddings.data.map((item) => item.embedding)).toEqual(direct.embeddings);
    await expectNoBlobsLeft();
  });
});

describe('a large request when the object store cannot take it', () => {
  let stack: Stack;
  let probe: Bus;

  beforeAll(async () => {
    stack = await startStack({ workers: [{ emulator: { tokensPerReply: 4 } }] });
    probe = await connectBus({ servers: natsUrl, name: 'large-payloads-full-probe', prefix: stack.prefix });
    // Created before the edge first needs it, and far too small: the edge opens it as it is.
    await ensureBlobBucket(probe, { maxBucketBytes: 64 * 1024 });
  });
  afterAll(async () => {
    await stack?.close();
    if (probe) {
      await deleteBlobBucket(probe);
      await probe.close();
    }
  });

  it('answers 503 with retry-after, naming the cause, and no worker sees the job', async () => {
    const client = new OpenAI({ baseURL: `${stack.edgeUrl}/v1`, apiKey: 'test', maxRetries: 0 });
    const image = randomBytes(2 * 1024 * 1024).toString('base64');
    const error = await client.responses
      .create({
        model: 'llava',
        store: false,
        input: [{ role: 'user', content: [{ type: 'input_text', text: 'no room for this' }, { type: 'input_image', image_url: `data:image/png;base64,${image}`, detail: 'auto' }] }],
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const apiError = error as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(503);
    expect(apiError.headers?.get('retry-after')).toMatch(/^\d+$/);
    expect(apiError.message).toContain('object store');
    expect(stack.workers[0]!.emulator.requests()).toEqual([]);
  });
});
