export type * from './types.ts';
export { normalizeModelName, modelOwner } from './model-name.ts';
export { NdjsonSplitter } from './ndjson.ts';
export { keepAliveSchema, durationSeconds, MAX_KEEP_ALIVE_SECONDS } from './keep-alive.ts';
export { optionFieldSchemas, optionKeys, thinkSchema, extraRequestFields, pickOptions } from './request-fields.ts';
export { mergeOptions, resolveKeepAlive, resolveThinkOverride } from './overrides.ts';
export type { ModelOverrides } from './overrides.ts';
