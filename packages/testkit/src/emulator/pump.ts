import type { Logprob, ToolCall } from '@corral/ollama';
import type { ReplyPlan } from './generation.ts';
import { tokenLogprob } from './logprobs.ts';
import { StopFilter } from './stop-filter.ts';
import type { Ticker } from './ticker.ts';
import { countToolCallTokens } from './tokens.ts';

/** A piece of output ready to become one chunk. */
export interface Emission {
  thinking?: string;
  content?: string;
  toolCalls?: ToolCall[];
  logprobs?: Logprob[];
}

export interface PumpSettings {
  ticker: Ticker;
  signal: AbortSignal;
  /** num_predict cap (Infinity when unbounded); counts thinking tokens too. */
  tokenLimit: number;
  stops: readonly string[];
  logprobs: boolean;
  topLogprobs: number;
  /** Fail (as a crashed runner would) once this many tokens were generated. */
  failAfterTokens: number | undefined;
}

export const PumpOutcome = { stop: 'stop', length: 'length', failed: 'failed', cancelled: 'cancelled' } as const;
export type PumpOutcome = (typeof PumpOutcome)[keyof typeof PumpOutcome];

export interface PumpResult {
  outcome: PumpOutcome;
  /** Generated tokens (eval_count), thinking included. */
  evalCount: number;
}

type Emit = (emission: Emission) => void | Promise<void>;

const StepKind = { thinking: 'thinking', content: 'content', toolCalls: 'toolCalls' } as const;
type StepKind = (typeof StepKind)[keyof typeof StepKind];

/**
 * Generates a planned reply token by token: paces each token, applies num_predict and stop strings,
 * injects failures, and stops as soon as the client is gone.
 */
export async function pumpReply(plan: ReplyPlan, settings: PumpSettings, emit: Emit): Promise<PumpResult> {
  const filter = new StopFilter(settings.stops);
  let generated = 0;
  let logprobs: Logprob[] = [];

  const takeLogprobs = (): Logprob[] | undefined => {
    if (logprobs.length === 0) return undefined;
    const taken = logprobs;
    logprobs = [];
    return taken;
  };

  /** Spends `cost` tokens of budget; returns an outcome when generation must end first. */
  const spend = async (cost: number): Promise<PumpOutcome | undefined> => {
    for (let spent = 0; spent < cost; spent++) {
      if (generated >= settings.tokenLimit) return PumpOutcome.length;
      if (settings.failAfterTokens !== undefined && generated >= settings.failAfterTokens) return PumpOutcome.failed;
      await settings.ticker.tick();
      if (settings.signal.aborted) return PumpOutcome.cancelled;
      generated++;
    }
    return undefined;
  };

  const finish = async (outcome: PumpOutcome): Promise<PumpResult> => {
    if (outcome === PumpOutcome.stop || outcome === PumpOutcome.length) {
      const rest = filter.flush();
      if (rest.length > 0) await emit(withLogprobs({ content: rest }, takeLogprobs()));
    }
    return { outcome, evalCount: generated };
  };

  const steps: Array<[StepKind, string]> = [];
  for (const token of plan.thinking) steps.push([StepKind.thinking, token]);
  for (const token of plan.content) steps.push([StepKind.content, token]);

  for (const [kind, token] of steps) {
    const ended = await spend(1);
    if (ended) return finish(ended);
    if (settings.logprobs) logprobs.push(tokenLogprob(token, settings.topLogprobs));
    if (kind === StepKind.thinking) {
      await emit(withLogprobs({ thinking: token }, takeLogprobs()));
      continue;
    }
    const text = filter.push(token);
    if (text.length > 0) await emit(withLogprobs({ content: text }, takeLogprobs()));
    if (filter.stopped) return finish(PumpOutcome.stop);
  }

  if (plan.toolCalls.length > 0) {
    const cost = plan.toolCalls.reduce((total, call) => total + countToolCallTokens(call), 0);
    const ended = await spend(Math.max(1, cost));
    if (ended) return finish(ended);
    await emit({ toolCalls: plan.toolCalls });
  }
  return finish(PumpOutcome.stop);
}

function withLogprobs(emission: Emission, logprobs: Logprob[] | undefined): Emission {
  if (logprobs) emission.logprobs = logprobs;
  return emission;
}
