import type { ThinkValue } from '@corral/ollama';
import type { CountTokensRequest, Effort } from './request-schema.ts';

/**
 * Anthropic's effort → Ollama's `think` level, as Corral maps OpenAI's reasoning effort: Ollama
 * calls its top level `max`, which xhigh and max both reach.
 */
function thinkFromEffort(effort: Effort): ThinkValue {
  return effort === 'xhigh' ? 'max' : effort;
}

/**
 * `thinking` and `output_config.effort` → Ollama `think`:
 * - `disabled` → false, whatever the effort says (as Anthropic: no thinking at all);
 * - `enabled` with `budget_tokens` → the effort's level when one is given, else true. Ollama has no
 *   token budget, and its levels are not budgets: a budget only turns thinking on;
 * - `adaptive`, or no `thinking` → the effort's level when given; else left unset, so the model's
 *   override and then Ollama's default decide (as for every Corral dialect).
 */
export function thinkFromRequest(request: Pick<CountTokensRequest, 'thinking' | 'output_config'>): ThinkValue | undefined {
  const effort = request.output_config?.effort ?? undefined;
  const thinking = request.thinking;
  if (thinking?.type === 'disabled') return false;
  if (effort !== undefined) return thinkFromEffort(effort);
  if (thinking?.type === 'enabled' || thinking?.type === 'adaptive') return true;
  return undefined;
}
