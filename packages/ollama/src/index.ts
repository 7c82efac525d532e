export type * from './types.ts';
export { normalizeModelName, modelOwner } from './model-name.ts';
export { NdjsonSplitter } from './ndjson.ts';
