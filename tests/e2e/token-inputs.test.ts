import { startStack, type CompletedRequest, type Stack } from '@corral/testkit';
import { Tiktoken } from 'js-tiktoken/lite';
import cl100kBase from 'js-tiktoken/ranks/cl100k_base';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Token-id inputs as real clients send them. langchain-openai's OpenAIEmbeddings (Python) with its
 * defaults (check_embedding_ctx_length=True) tokenizes every text with tiktoken's cl100k_base,
 * cuts it into chunks of embedding_ctx_length tokens, and sends the chunks as `input`, a list of
 * token-id lists, leaving encoding_format unset so that the openai SDK asks for base64.
 */

const EMBEDDING_CTX_LENGTH = 8191;
const encoding = new Tiktoken(cl100kBase);

/** langchain-openai's `_tokenize`: each text's tokens in chunks, and the text each chunk came from. */
function langchainChunks(texts: string[]): { chunks: number[][]; textIndex: number[] } {
  const chunks: number[][] = [];
  const textIndex: number[] = [];
  texts.forEach((text, index) => {
    const tokens = encoding.encode(text);
    for (let start = 0; start < tokens.length; start += EMBEDDING_CTX_LENGTH) {
      chunks.push(tokens.slice(start, start + EMBEDDING_CTX_LENGTH));
      textIndex.push(index);
    }
  });
  return { chunks, textIndex };
}

function float32(base64: string): number[] {
  const bytes = Buffer.from(base64, 'base64');
  return [...new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4)];
}

const inputsOf = (request: CompletedRequest): string[] => (request.body as { input: string[] }).input;
const promptOf = (request: CompletedRequest): string => (request.body as { prompt: string }).prompt;

describe('token-id inputs through edge → NATS → worker → emulator', () => {
  let stack: Stack;
  let client: OpenAI;

  beforeAll(async () => {
    stack = await startStack({ workers: [{ emulator: { tokensPerReply: 6 } }] });
    // No accounting: authentication is off, any key is accepted.
    client = new OpenAI({ baseURL: `${stack.edgeUrl}/v1`, apiKey: 'any', maxRetries: 0 });
  });
  afterAll(async () => stack?.close());

  const emulator = () => stack.workers[0]!.emulator;

  /** The emulator's vectors are a pure function of (model, text): asking it directly gives the truth. */
  async function nativeVectors(input: string[]): Promise<number[][]> {
    const response = await fetch(`${emulator().url}/api/embed`, { method: 'POST', body: JSON.stringify({ model: 'all-minilm', input }) });
    return ((await response.json()) as { embeddings: number[][] }).embeddings;
  }

  it("embeds langchain-openai's default token chunks, one longer text split, in order, from the decoded text", async () => {
    const long = Array.from({ length: 1200 }, (_, index) => `Llama number ${index} grazes on the high Andean plateau.`).join(' ');
    const texts = ['What do llamas eat?', long, 'Alpacas are smaller than llamas.', 'Both hum. ¿Verdad? 🦙'];
    const { chunks, textIndex } = langchainChunks(texts);
    expect(encoding.encode(long).length).toBeGreaterThan(2 * EMBEDDING_CTX_LENGTH);
    expect(textIndex).toEqual([0, 1, 1, 1, 2, 3]);
    const before = emulator().requests().length;

    const response = await client.embeddings.create({ model: 'all-minilm', input: chunks, encoding_format: 'base64' });

    const upstream = emulator().requests().slice(before).filter((request) => request.path === '/api/embed');
    const received = upstream.flatMap(inputsOf);
    expect(received).toEqual(chunks.map((chunk) => encoding.decode(chunk)));
    // Whole texts arrive as written; the long one arrives in its chunks, which join back into it.
    expect([received[0], received[4], received[5]]).toEqual([texts[0], texts[2], texts[3]]);
    expect(received.slice(1, 4).join('')).toBe(long);

    expect(response.data.map((item) => item.index)).toEqual(chunks.map((_, index) => index));
    const vectors = response.data.map((item) => float32(item.embedding as unknown as string));
    const truth = await nativeVectors(received);
    expect(vectors).toEqual(truth.map((vector) => vector.map(Math.fround)));
    expect(vectors[1]).not.toEqual(vectors[2]);
    // Usage is Ollama's count of what it embedded, as for text.
    const promptTokens = upstream.reduce((total, request) => total + request.promptEvalCount, 0);
    expect(response.usage).toEqual({ prompt_tokens: promptTokens, total_tokens: promptTokens });
  });

  it('decodes base64 vectors the SDK asks for by default, and one flat token list is one input', async () => {
    const ids = encoding.encode('The quick brown fox');
    const response = await client.embeddings.create({ model: 'all-minilm', input: ids });
    expect(response.data).toHaveLength(1);
    expect(response.data[0]!.embedding).toEqual((await nativeVectors(['The quick brown fox']))[0]!.map(Math.fround));
  });

  it('refuses an id outside cl100k_base with a 400 naming it', async () => {
    const error = await client.embeddings.create({ model: 'all-minilm', input: [encoding.encode('fine'), [9906, 100_300]] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, type: 'invalid_request_error', param: 'input[1][1]' });
  });

  it('completes token-id prompts as their text, one choice per token list, echoing the decoded prompt', async () => {
    const prompts = ['Once upon a time', 'The capital of France is'];
    const ids = prompts.map((prompt) => encoding.encode(prompt));

    const single = await client.completions.create({ model: 'llama3.2', prompt: ids[0]!, max_tokens: 20, echo: true });
    const upstream = emulator().requests().at(-1)!;
    expect(promptOf(upstream)).toBe(prompts[0]);
    expect(single.choices.map((choice) => choice.text)).toEqual([`${prompts[0]}${upstream.content}`]);
    expect(single.usage?.prompt_tokens).toBe(upstream.promptEvalCount);

    const several = await client.completions.create({ model: 'llama3.2', prompt: ids, max_tokens: 20 });
    const upstreamByPrompt = new Map(emulator().requests().slice(-2).map((request) => [promptOf(request), request.content]));
    expect([...upstreamByPrompt.keys()].sort()).toEqual([...prompts].sort());
    expect(several.choices.map((choice) => [choice.index, choice.text])).toEqual(prompts.map((prompt, index) => [index, upstreamByPrompt.get(prompt)]));

    await expect(client.completions.create({ model: 'llama3.2', prompt: [ids[0]!, []] })).rejects.toMatchObject({ status: 400, param: 'prompt[1]' });
  });
});
