export type * from './types.ts';
export { normalizeModelName, modelOwner } from './model-name.ts';
export { NdjsonSplitter } from './ndjson.ts';

// What Corral checks of a request before Ollama sees it, and how per-model overrides fill it.
export { keepAliveSchema, durationSeconds, MAX_KEEP_ALIVE_SECONDS } from './keep-alive.ts';
export { optionFieldSchemas, optionKeys, thinkSchema, extraRequestFields, pickOptions } from './request-fields.ts';
export { functionParametersSchema } from './tool-parameters.ts';
export { findExcessiveNesting, MAX_NESTING_DEPTH } from './nesting.ts';
// Shared by every dialect's validation messages.
export { excerpt, MAX_EXCERPT_LENGTH } from './excerpt.ts';
export { mostSpecificIssue } from './zod-issue.ts';
export { forcedToolCallFormat, parseForcedToolCall } from './forced-tool-call.ts';
export type { ParsedForcedCall } from './forced-tool-call.ts';
export { mergeOptions, resolveKeepAlive, resolveThinkOverride } from './overrides.ts';
export type { ModelOverrides } from './overrides.ts';

// What Corral reads of Ollama's answers.
export { TagsWire, PsWire, VersionWire, runningByName, type RunningWire } from './model-list.ts';
export { classifyLine } from './chunk-line.ts';
export type { ChunkLine } from './chunk-line.ts';
export { ErrorBody, errorBodyMessage } from './error-body.ts';
export { DoneMetrics, usageFromDone } from './usage.ts';
export type { NativeUsage } from './usage.ts';

// Ollama's own API as Corral serves it (/api/*): request checks, jobs, answers, fleet-wide lists.
export {
  nativeChatRequestSchema,
  nativeGenerateRequestSchema,
  nativeEmbedRequestSchema,
  nativeEmbeddingsRequestSchema,
  nativeShowRequestSchema,
} from './native/request-schema.ts';
export type { NativeChatRequest, NativeGenerateRequest, NativeEmbedRequest, NativeEmbeddingsRequest, NativeShowRequest } from './native/request-schema.ts';
export { parseNativeRequest, type NativeParse } from './native/parse.ts';
export { chatJob, generateJob, embedJob, embeddingsJob, showJob, wantsStream, showModelName, type NativeTarget } from './native/to-job.ts';
export { namedFor, ChatAnswer, GenerateAnswer, legacyEmbedding } from './native/answer.ts';
export { fleetTags, fleetPs, fleetVersion, compareVersions, type HostModel, type ListedAlias } from './native/model-lists.ts';
