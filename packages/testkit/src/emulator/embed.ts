import type { EmbedResponse } from '@corral/ollama';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import type { EmulatorContext } from './context.ts';
import { decodeEmbeddingsRequest, decodeEmbedRequest } from './decode.ts';
import { embedVector, rawEmbedding, vectorWidth } from './embedding-vectors.ts';
import { ErrorText, notFoundTryPulling, OllamaError } from './errors.ts';
import { nanoseconds } from './metrics.ts';
import { parseModelName } from './model-name.ts';
import type { CatalogModel } from './models.ts';
import { checkOptions } from './options-check.ts';
import type { Runner } from './scheduler.ts';
import { countTextTokens } from './tokens.ts';
import type { CompletedRequest } from './types.ts';

function resolve(context: EmulatorContext, requestModel: string): CatalogModel {
  if (requestModel === '') throw new OllamaError(400, ErrorText.modelRequired);
  const name = parseModelName(requestModel);
  if (!name) throw new OllamaError(400, ErrorText.invalidModelName);
  const model = context.catalog.find(name);
  if (!model) throw notFoundTryPulling(requestModel);
  return model;
}

/** Runs `work` holding a runner (and a slot when asked), like an embedding request in Ollama. */
async function withRunner<T>(
  context: EmulatorContext,
  model: CatalogModel,
  keepAliveMs: number | undefined,
  signal: AbortSignal,
  needsSlot: boolean,
  work: (runner: Runner, runnerAt: number) => T | Promise<T>,
): Promise<T> {
  const runner = await context.scheduler.acquire(model, { keepAliveMs, numCtx: undefined, signal });
  const runnerAt = performance.now();
  try {
    if (!needsSlot) return await work(runner, runnerAt);
    await runner.slots.acquire(signal);
    try {
      return await work(runner, runnerAt);
    } finally {
      runner.slots.release();
    }
  } finally {
    context.scheduler.release(runner);
  }
}

/** What a GPU would spend on these inputs (embedCallDelayMs + tokens / embedTokensPerSecond), holding the slot. */
async function computeTime(context: EmulatorContext, tokenCounts: readonly number[], signal: AbortSignal): Promise<void> {
  const { embedCallDelayMs, embedTokensPerSecond } = context.settings;
  const tokens = tokenCounts.reduce((total, count) => total + count, 0);
  const ms = embedCallDelayMs + (embedTokensPerSecond > 0 ? (tokens * 1000) / embedTokensPerSecond : 0);
  if (ms > 0) await sleep(ms, undefined, { signal });
}

/**
 * Vector values computed per turn of the event loop. Ollama computes on the GPU while its server goes
 * on answering other requests; the emulator's stand-in arithmetic (~1 µs a value) would otherwise hold
 * every other request on this server — a chat stream's next token — for tens of milliseconds per call,
 * and 2048 a turn still for 2 ms at a time.
 */
const VALUES_PER_TURN = 256;

async function embedVectors(model: CatalogModel, inputs: readonly string[], dimensions: number | undefined): Promise<number[][]> {
  const perTurn = Math.max(1, Math.floor(VALUES_PER_TURN / vectorWidth(model.embeddingLength, dimensions)));
  const embeddings: number[][] = [];
  for (const [index, input] of inputs.entries()) {
    if (index > 0 && index % perTurn === 0) await nextTurn();
    embeddings.push(embedVector(model.name.key, input, model.embeddingLength, dimensions));
  }
  return embeddings;
}

/** POST /api/embed: normalised vectors, one per input. */
export async function runEmbed(
  context: EmulatorContext,
  body: unknown,
  signal: AbortSignal,
  record: CompletedRequest,
): Promise<EmbedResponse> {
  const startedAt = performance.now();
  const { request, inputs, keepAliveMs } = decodeEmbedRequest(body);
  const model = resolve(context, request.model);
  checkOptions(request.options);
  return withRunner(context, model, keepAliveMs, signal, inputs.length > 0, async (_runner, runnerAt) => {
    if (inputs.length === 0) return { model: request.model, embeddings: [] };
    const tokenCounts = inputs.map((input) => countTextTokens(input));
    if (request.truncate === false && tokenCounts.some((count) => count > model.contextLength)) {
      throw new OllamaError(400, ErrorText.inputTooLong);
    }
    await computeTime(context, tokenCounts, signal);
    const embeddings = await embedVectors(model, inputs, request.dimensions);
    const promptEvalCount = tokenCounts.reduce((total, count) => total + count, 0);
    record.promptEvalCount = promptEvalCount;
    const response: EmbedResponse = {
      model: request.model,
      embeddings,
      total_duration: nanoseconds(performance.now() - startedAt),
      load_duration: nanoseconds(runnerAt - startedAt),
    };
    if (promptEvalCount > 0) response.prompt_eval_count = promptEvalCount;
    return response;
  });
}

/** POST /api/embeddings (legacy): one raw, unnormalised vector. */
export async function runEmbeddings(
  context: EmulatorContext,
  body: unknown,
  signal: AbortSignal,
  record: CompletedRequest,
): Promise<{ embedding: number[] }> {
  const { request, keepAliveMs } = decodeEmbeddingsRequest(body);
  const model = resolve(context, request.model);
  checkOptions(request.options);
  const prompt = request.prompt ?? '';
  return withRunner(context, model, keepAliveMs, signal, prompt !== '', () => {
    if (prompt === '') return { embedding: [] };
    record.promptEvalCount = countTextTokens(prompt);
    return { embedding: rawEmbedding(model.name.key, prompt, model.embeddingLength) };
  });
}
