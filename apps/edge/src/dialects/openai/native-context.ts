import type { NativeContext } from '@corral/openai';
import type { ModelTarget } from '../../pipeline/exchange.ts';

/** What the translation needs to know of the resolved model: its Ollama name and per-model overrides. */
export function nativeContext(target: ModelTarget): NativeContext {
  return { model: target.model, ...(target.overrides ? { overrides: target.overrides } : {}) };
}
