import type { ServerResponse } from 'node:http';
import type { ChatChunk, GenerateChunk, GenerateRequest } from '@corral/ollama';
import { checkFields } from '../decode.ts';
import { goTypeName } from '../duration.ts';
import type { OllamaError } from '../errors.ts';
import { ContentType, waitForDrain, writeJson } from '../http-io.ts';
import type { NativeSink } from '../sink.ts';
import { unixSeconds } from '../time-format.ts';
import { badRequest, writeOpenAiError } from './errors.ts';
import { completionId, SSE_DONE, sseFrame, SYSTEM_FINGERPRINT, usageOf } from './wire.ts';

type Json = Record<string, unknown>;

export interface ConvertedCompletion {
  native: GenerateRequest;
  includeUsage: boolean;
}

/** /v1/completions body → native /api/generate body (FromCompleteRequest). */
export function fromCompletionRequest(body: unknown): ConvertedCompletion {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('json: cannot unmarshal into Go value of type openai.CompletionRequest');
  }
  const request = body as Json;
  checkFields(request, 'CompletionRequest', {
    model: 'string',
    prompt: 'string',
    suffix: 'string',
    stream: 'bool',
    stream_options: 'map',
    max_tokens: 'int',
    seed: 'int',
    temperature: 'float',
    top_p: 'float',
    frequency_penalty: 'float',
    presence_penalty: 'float',
    logprobs: 'int',
  });
  const options: Json = {};
  if (typeof request.stop === 'string') options.stop = [request.stop];
  else if (Array.isArray(request.stop)) {
    const wrong = request.stop.find((item) => typeof item !== 'string');
    if (wrong !== undefined) throw badRequest(`invalid type for 'stop' field: ${goTypeName(wrong)}`);
    options.stop = request.stop;
  }
  if (typeof request.max_tokens === 'number') options.num_predict = request.max_tokens;
  options.temperature = typeof request.temperature === 'number' ? request.temperature : 1.0;
  if (typeof request.seed === 'number') options.seed = request.seed;
  options.frequency_penalty = typeof request.frequency_penalty === 'number' ? request.frequency_penalty : 0.0;
  options.presence_penalty = typeof request.presence_penalty === 'number' ? request.presence_penalty : 0.0;
  options.top_p = typeof request.top_p === 'number' && request.top_p !== 0 ? request.top_p : 1.0;
  const native: GenerateRequest = {
    model: typeof request.model === 'string' ? request.model : '',
    prompt: typeof request.prompt === 'string' ? request.prompt : '',
    options,
    stream: request.stream === true,
  };
  if (typeof request.suffix === 'string' && request.suffix !== '') native.suffix = request.suffix;
  if (typeof request.logprobs === 'number' && request.logprobs > 0) {
    native.logprobs = true;
    native.top_logprobs = request.logprobs;
  }
  const streamOptions = (request.stream_options ?? {}) as Json;
  return { native, includeUsage: streamOptions.include_usage === true };
}

/** Ollama's CompleteWriter: text_completion objects; `created` per chunk; no logprobs ever. */
export class CompletionSink implements NativeSink {
  started = false;
  private readonly id = completionId('cmpl');

  constructor(
    private readonly response: ServerResponse,
    readonly signal: AbortSignal,
    private readonly model: string,
    private readonly includeUsage: boolean,
  ) {}

  fail(error: OllamaError): void {
    writeOpenAiError(this.response, error);
  }

  json(body: ChatChunk | GenerateChunk): void {
    const chunk = body as GenerateChunk;
    writeJson(
      this.response,
      200,
      {
        id: this.id,
        object: 'text_completion',
        created: unixSeconds(chunk.created_at),
        model: this.model,
        system_fingerprint: SYSTEM_FINGERPRINT,
        choices: [{ text: chunk.response, index: 0, finish_reason: chunk.done_reason ?? null }],
        usage: usageOf(chunk.prompt_eval_count, chunk.eval_count),
      },
      'application/json',
    );
  }

  chunk(body: ChatChunk | GenerateChunk): boolean {
    const chunk = body as GenerateChunk;
    if (!this.started) {
      this.started = true;
      this.response.writeHead(200, { 'Content-Type': ContentType.eventStream });
    }
    const created = Math.floor(Date.now() / 1000);
    const choice = { text: chunk.response, index: 0, finish_reason: chunk.done ? (chunk.done_reason ?? 'stop') : null };
    const frame: Json = this.frame(created, [choice], this.model);
    if (this.includeUsage) frame.usage = usageOf(0, 0);
    let frames = sseFrame(frame);
    if (chunk.done) {
      if (this.includeUsage) {
        frames += sseFrame({ ...frame, choices: [], usage: usageOf(chunk.prompt_eval_count, chunk.eval_count) });
      }
      frames += SSE_DONE;
    }
    return this.response.write(frames);
  }

  drain(): Promise<void> {
    return waitForDrain(this.response);
  }

  streamError(): void {
    const created = Math.floor(Date.now() / 1000);
    this.response.end(sseFrame(this.frame(created, [{ text: '', index: 0, finish_reason: null }], '')));
  }

  /** CompleteChunk's field order: `choices` comes before `model`. */
  private frame(created: number, choices: unknown[], model: string): Json {
    return { id: this.id, object: 'text_completion', created, choices, model, system_fingerprint: SYSTEM_FINGERPRINT };
  }

  end(): void {
    this.response.end();
  }
}
