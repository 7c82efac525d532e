import { mergeOptions, resolveKeepAlive, resolveThinkOverride, type ModelOverrides } from '../overrides.ts';
import type { Options, ThinkValue } from '../types.ts';
import type { NativeChatRequest, NativeEmbeddingsRequest, NativeEmbedRequest, NativeGenerateRequest, NativeShowRequest } from './request-schema.ts';

/** The model a request runs on (an alias's target) and that model's overrides. */
export interface NativeTarget {
  model: string;
  overrides?: ModelOverrides;
}

/** The body without its explicit nulls: Ollama reads them as "not given", and overrides must fill them. */
function withoutNulls(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== null && value !== undefined));
}

/** Request → model override → Ollama's default, for the fields overrides may set. */
function applyOverrides(body: Record<string, unknown>, target: NativeTarget, { think }: { think: boolean }): Record<string, unknown> {
  const job = withoutNulls(body);
  job.model = target.model;
  const options = mergeOptions((job.options as Options | undefined) ?? {}, target.overrides);
  if (options) job.options = options;
  else delete job.options;
  const keepAlive = resolveKeepAlive(job.keep_alive as string | number | undefined, target.overrides);
  if (keepAlive !== undefined) job.keep_alive = keepAlive;
  if (think) {
    const resolved = resolveThinkOverride(job.think as ThinkValue | undefined, target.overrides);
    if (resolved !== undefined) job.think = resolved;
  }
  return job;
}

/** The chat job: always streamed by the worker (the edge aggregates `stream: false` itself). */
export function chatJob(request: NativeChatRequest, target: NativeTarget): Record<string, unknown> {
  return { ...applyOverrides(request, target, { think: true }), stream: true };
}

export function generateJob(request: NativeGenerateRequest, target: NativeTarget): Record<string, unknown> {
  return { ...applyOverrides(request, target, { think: true }), stream: true };
}

export function embedJob(request: NativeEmbedRequest, target: NativeTarget): Record<string, unknown> {
  return applyOverrides(request, target, { think: false });
}

/** The legacy `/api/embeddings` as an `/api/embed` job of its one prompt; undefined for an empty prompt (nothing to embed). */
export function embeddingsJob(request: NativeEmbeddingsRequest, target: NativeTarget): Record<string, unknown> | undefined {
  if (!request.prompt) return undefined;
  const { prompt, ...rest } = request;
  return { ...applyOverrides(rest, target, { think: false }), input: prompt };
}

/** `/api/show` on the target model (the legacy `name` field becomes `model`). */
export function showJob(request: NativeShowRequest, target: NativeTarget): Record<string, unknown> {
  const { name: _legacyName, ...rest } = request;
  return { ...withoutNulls(rest), model: target.model };
}

/** Whether the request asks for a stream: Ollama streams unless told `stream: false`. */
export function wantsStream(request: { stream?: boolean | null | undefined }): boolean {
  return request.stream !== false;
}

/** The model a show request names (`model`, else the legacy `name`), or undefined when it names none. */
export function showModelName(request: NativeShowRequest): string | undefined {
  return request.model || request.name || undefined;
}
