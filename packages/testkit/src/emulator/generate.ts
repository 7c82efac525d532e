import type { GenerateChunk } from '@corral/ollama';
import type { ChunkShape, CompletionJob } from './completion.ts';
import type { EmulatorContext } from './context.ts';
import { checkTopLogprobs, decodeGenerateRequest } from './decode.ts';
import { ErrorText, notFound, OllamaError } from './errors.ts';
import { planGenerateReply } from './generation.ts';
import { parseModelName } from './model-name.ts';
import { Capability, hasCapability } from './models.ts';
import { hashString } from './prng.ts';
import type { Emission } from './pump.ts';
import { countGeneratePromptTokens } from './tokens.ts';

/** Vocabulary size the fake context token ids fall in (llama 3's). */
const TOKEN_ID_SPACE = 128_256;

/** The deprecated `context` array: one fake token id per prompt and generated token. */
function contextIds(seed: number, length: number): number[] {
  const ids = new Array<number>(length);
  for (let index = 0; index < length; index++) ids[index] = ((seed + Math.imul(index + 1, 2654435761)) >>> 0) % TOKEN_ID_SPACE;
  return ids;
}

function generateShape(model: string, promptTokens: number, withContext: boolean, seed: number): ChunkShape {
  return {
    partial(emission: Emission, createdAt: string): GenerateChunk {
      const chunk: GenerateChunk = {
        model,
        created_at: createdAt,
        response: emission.content ?? '',
        ...(emission.thinking ? { thinking: emission.thinking } : {}),
        done: false,
      };
      if (emission.logprobs) chunk.logprobs = emission.logprobs;
      return chunk;
    },
    shortcut(reason, createdAt): GenerateChunk {
      return { model, created_at: createdAt, response: '', done: true, done_reason: reason };
    },
    final(aggregate, doneReason, metrics, createdAt): GenerateChunk {
      const chunk: GenerateChunk = {
        model,
        created_at: createdAt,
        response: aggregate.content,
        ...(aggregate.thinking ? { thinking: aggregate.thinking } : {}),
        done: true,
        done_reason: doneReason,
      };
      if (withContext) chunk.context = contextIds(seed, promptTokens + (metrics.eval_count ?? 0));
      Object.assign(chunk, metrics);
      if (aggregate.logprobs.length > 0) chunk.logprobs = aggregate.logprobs;
      return chunk;
    },
  };
}

/** Decodes and resolves a /api/generate body (GenerateHandler's checks, in its order). */
export function prepareGenerate(context: EmulatorContext, body: unknown): CompletionJob {
  const { request, keepAliveMs } = decodeGenerateRequest(body);
  checkTopLogprobs(request.top_logprobs);
  const name = parseModelName(request.model);
  // GenerateHandler answers 404 for an empty or invalid name too.
  if (!name) throw notFound(request.model);
  const model = context.catalog.find(name);
  if (!model) throw notFound(request.model);
  const prompt = request.prompt ?? '';
  const promptTokens = countGeneratePromptTokens(request);
  const rawContext = (request as { context?: unknown[] }).context;
  return {
    requestModel: request.model,
    model,
    keepAliveMs,
    options: request.options,
    stream: request.stream !== false,
    empty: prompt === '',
    think: request.think,
    format: request.format,
    logprobs: request.logprobs === true,
    topLogprobs: request.top_logprobs ?? 0,
    promptTokens,
    checkRequest() {
      if (request.raw && (request.template || request.system || (rawContext?.length ?? 0) > 0)) {
        throw new OllamaError(400, ErrorText.rawMode);
      }
      if (!hasCapability(model, Capability.completion)) {
        throw new OllamaError(400, `${JSON.stringify(request.model)} does not support generate`);
      }
      if (request.suffix && !hasCapability(model, Capability.insert)) {
        throw new OllamaError(400, `${name.full} does not support insert`);
      }
    },
    plan: (settings) => planGenerateReply(request, settings),
    shape: generateShape(request.model, promptTokens, request.raw !== true, hashString(prompt)),
  };
}
