import { mergeOptions, pickOptions, resolveKeepAlive, resolveThinkOverride, type GenerateRequest, type Options } from '@corral/ollama';
import { ok, type Result } from '../errors.ts';
import { nativeForChoice } from '../shared/choices.ts';
import type { NativeContext } from '../shared/context.ts';
import { samplingOptions } from '../shared/sampling.ts';
import type { CompletionRequest } from './request-schema.ts';

export interface CompletionJob {
  native: GenerateRequest;
  /** OpenAI's order: prompt p, sample s → choice p × n + s. */
  choiceIndex: number;
  promptIndex: number;
  prompt: string;
}

export interface CompletionsTranslation {
  /** One job per prompt and sample; every job streams. */
  jobs: CompletionJob[];
  /** Total number of choices (prompts × n). */
  choices: number;
  stream: boolean;
  includeUsage: boolean;
  echo: boolean;
  logprobs: boolean;
}

function requestOptions(request: CompletionRequest): Options {
  const options: Options = { ...pickOptions(request), ...samplingOptions(request) };
  if (request.max_tokens !== undefined) options.num_predict = request.max_tokens;
  return options;
}

/** A validated /v1/completions request → native generate jobs (one per prompt and sample). */
export function completionsToNative(request: CompletionRequest, context: NativeContext): Result<CompletionsTranslation> {
  const prompts = typeof request.prompt === 'string' ? [request.prompt] : request.prompt;
  const samples = request.n ?? 1;
  const template: GenerateRequest = { model: context.model, prompt: '', stream: true };
  if (request.suffix !== undefined) template.suffix = request.suffix;
  if (request.raw === true) template.raw = true;
  const options = mergeOptions(requestOptions(request), context.overrides);
  if (options !== undefined) template.options = options;
  const think = resolveThinkOverride(request.think, context.overrides);
  if (think !== undefined) template.think = think;
  const keepAlive = resolveKeepAlive(request.keep_alive, context.overrides);
  if (keepAlive !== undefined) template.keep_alive = keepAlive;
  if (request.logprobs !== undefined) {
    template.logprobs = true;
    template.top_logprobs = request.logprobs;
  }

  const jobs = prompts.flatMap((prompt, promptIndex) =>
    Array.from({ length: samples }, (_, sample): CompletionJob => ({
      native: nativeForChoice({ ...template, prompt }, sample),
      choiceIndex: promptIndex * samples + sample,
      promptIndex,
      prompt,
    })),
  );
  return ok({
    jobs,
    choices: jobs.length,
    stream: request.stream === true,
    includeUsage: request.stream === true && request.stream_options?.include_usage === true,
    echo: request.echo === true,
    logprobs: request.logprobs !== undefined,
  });
}
