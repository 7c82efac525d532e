export { parseEnv } from './parse.ts';
export { busSettings, blobSettings, optionalString, integer, boolean } from './shared.ts';
export { EdgeConfig } from './edge.ts';
export { WorkerConfig } from './worker.ts';
export { AccountingConfig } from './accounting.ts';
