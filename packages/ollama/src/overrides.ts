import type { Options, ThinkValue } from './types.ts';

/** Per-model settings from accounting; they fill what the request left unset. */
export interface ModelOverrides {
  options?: Options;
  think?: ThinkValue;
  keep_alive?: string | number;
  excludeReasoning?: boolean;
}

/**
 * Precedence is request → model override → Ollama's default: request values win, the override
 * fills each option the request did not set, and what neither sets is left out for Ollama to decide.
 */
export function mergeOptions(requested: Options, overrides: ModelOverrides | undefined): Options | undefined {
  const merged: Options = { ...(overrides?.options ?? {}) };
  for (const [key, value] of Object.entries(requested)) {
    if (value !== undefined) merged[key] = value;
  }
  for (const [key, value] of Object.entries(merged)) {
    if (value === undefined) delete merged[key];
  }
  return Object.keys(merged).length === 0 ? undefined : merged;
}

export function resolveKeepAlive(requested: string | number | undefined, overrides: ModelOverrides | undefined): string | number | undefined {
  return requested ?? overrides?.keep_alive;
}

export function resolveThinkOverride(requested: ThinkValue | undefined, overrides: ModelOverrides | undefined): ThinkValue | undefined {
  return requested ?? overrides?.think;
}
