import type { Options, ThinkValue } from '@corral/ollama';

/** Per-model settings from accounting; they fill what the request left unset. */
export interface ModelOverrides {
  options?: Options;
  think?: ThinkValue;
  keep_alive?: string | number;
  excludeReasoning?: boolean;
}

/** What the edge knows about the target when translating a request. */
export interface NativeContext {
  /** The resolved Ollama model name (aliases already resolved by the edge). */
  model: string;
  overrides?: ModelOverrides;
}
