import { z } from 'zod';
import type { ThinkValue } from '@corral/ollama';
import { invalidRequest, type OpenAIError } from '../errors.ts';

export const ReasoningEffort = {
  none: 'none',
  minimal: 'minimal',
  low: 'low',
  medium: 'medium',
  high: 'high',
  xhigh: 'xhigh',
  max: 'max',
} as const;
export type ReasoningEffort = (typeof ReasoningEffort)[keyof typeof ReasoningEffort];

export const reasoningEffortSchema = z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max']);

/**
 * OpenAI effort → Ollama `think`. Ollama has no "minimal" level (nearest: low) and calls its
 * top level "max" (OpenAI's xhigh), the same clamping Ollama's own layer applies.
 */
export function thinkFromEffort(effort: ReasoningEffort): ThinkValue {
  switch (effort) {
    case 'none':
      return false;
    case 'minimal':
    case 'low':
      return 'low';
    case 'medium':
      return 'medium';
    case 'high':
      return 'high';
    case 'xhigh':
    case 'max':
      return 'max';
  }
}

export interface ThinkSources {
  /** Ollama's native `think`, passed through. */
  think?: ThinkValue | undefined;
  /** `reasoning_effort` (chat) — param name used in errors. */
  effort?: { value: ReasoningEffort; param: string } | undefined;
  /** OpenRouter-style `reasoning.enabled`. */
  enabled?: { value: boolean; param: string } | undefined;
}

/**
 * Several spellings can ask for thinking; they must agree. Disagreement is a 400 naming the
 * second parameter rather than a silent pick.
 */
export function resolveThink(sources: ThinkSources): { think: ThinkValue | undefined } | { error: OpenAIError } {
  const candidates: Array<{ think: ThinkValue; param: string }> = [];
  if (sources.think !== undefined) candidates.push({ think: sources.think, param: 'think' });
  if (sources.effort !== undefined) candidates.push({ think: thinkFromEffort(sources.effort.value), param: sources.effort.param });
  if (sources.enabled !== undefined) {
    // enabled:true without an effort just turns thinking on; it agrees with any level.
    if (!sources.enabled.value) candidates.push({ think: false, param: sources.enabled.param });
    else if (candidates.length === 0) candidates.push({ think: true, param: sources.enabled.param });
    else if (candidates.some((candidate) => candidate.think === false)) {
      return { error: invalidRequest(`'${sources.enabled.param}' contradicts the requested reasoning effort.`, sources.enabled.param) };
    }
  }
  const first = candidates[0];
  if (first === undefined) return { think: undefined };
  const conflicting = candidates.find((candidate) => !sameThink(candidate.think, first.think));
  if (conflicting !== undefined) {
    return {
      error: invalidRequest(
        `'${conflicting.param}' contradicts '${first.param}': they ask for different reasoning settings.`,
        conflicting.param,
      ),
    };
  }
  return { think: first.think };
}

function sameThink(left: ThinkValue, right: ThinkValue): boolean {
  // Ollama treats true as "medium".
  const normalize = (value: ThinkValue) => (value === true ? 'medium' : value);
  return normalize(left) === normalize(right);
}
