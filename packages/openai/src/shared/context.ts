import type { ModelOverrides } from '@corral/ollama';

/** What the edge knows about the target when translating a request. */
export interface NativeContext {
  /** The resolved Ollama model name (aliases already resolved by the edge). */
  model: string;
  overrides?: ModelOverrides;
}
