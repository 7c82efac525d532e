import { randomUUID } from 'node:crypto';
import { ErrorCode, type Usage } from '@corral/protocol';
import { AsyncQueue } from '../jobs/async-queue.ts';
import { JobError } from '../jobs/job-error.ts';
import type { JobDispatcher, JobEvent, JobRun, JobSpec } from '../jobs/job-run.ts';
import { unpaced, type BatchSlices } from './batch-pacer.ts';

/** Members whose results are handed over per turn of the event loop. */
const MEMBERS_PER_TURN = 4;

export interface CoalescerOptions {
  /** Inputs one /api/embed call carries at most. */
  maxInputs: number;
  /** Spreads the hand-over of a call's results over time while users are being served. Default: unpaced. */
  pacer?: BatchSlices;
}

/** One line's embed job waiting for (or riding in) a merged call. */
interface Member {
  readonly run: MemberRun;
  readonly spec: JobSpec;
  readonly inputs: string[];
}

/** Jobs that may share one call: same model, key and options (everything of the body but `input`). */
interface Group {
  readonly key: string;
  readonly members: Member[];
  inputs: number;
  /** A member joined since the last flush looked: the group's lines are still being started. */
  growing: boolean;
}

/**
 * Merges the embed jobs of batch lines into large /api/embed calls: a GPU embeds 256 inputs in one
 * call far faster than in 128 calls of two. Each line still runs the whole generation pipeline (its
 * own auth, budget, usage event and response body); only the trip to the worker is shared. Jobs
 * started for the same model and options travel together, up to `maxInputs` per call; a group is sent
 * once a turn of the event loop passes without a new member, so lines started a few per turn (to
 * leave interactive requests the loop in between) still fill one call. Every other job passes
 * straight through.
 *
 * A merged call's prompt tokens are shared out over its members in proportion to their characters
 * (Ollama reports one count per call), so the line counts add up exactly to what the worker counted.
 */
export class EmbedCoalescer implements JobDispatcher {
  private readonly groups = new Map<string, Group>();
  private flushScheduled = false;
  /** Holds in place (see `hold`): while any is, groups that stopped growing wait. */
  private holds = 0;

  constructor(
    private readonly inner: JobDispatcher,
    private readonly options: CoalescerOptions,
  ) {}

  spareSlots(model: string): number {
    return this.inner.spareSlots(model);
  }

  run(spec: JobSpec): JobRun {
    const inputs = spec.kind === 'embed' ? inputsOf(spec.body) : undefined;
    if (!inputs || inputs.length === 0 || inputs.length >= this.options.maxInputs) return this.inner.run(spec);
    const key = groupKey(spec);
    let group = this.groups.get(key);
    if (group && group.inputs + inputs.length > this.options.maxInputs) {
      this.send(group);
      group = undefined;
    }
    if (!group) {
      group = { key, members: [], inputs: 0, growing: false };
      this.groups.set(key, group);
    }
    group.growing = true;
    const member: Member = { run: new MemberRun(spec.requestId), spec, inputs };
    group.members.push(member);
    group.inputs += inputs.length;
    this.scheduleFlush();
    return member.run;
  }

  /**
   * Keeps groups open until the returned release is called: a caller starting one group's lines
   * with pauses in between (a paced batch) would otherwise see it sent after the first pause, a
   * fraction of a call. Groups that reach `maxInputs` still go at once.
   */
  hold(): () => void {
    this.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      if (this.groups.size > 0) this.scheduleFlush();
    };
  }

  private scheduleFlush(): void {
    // Held, nothing is sent: a flush looking every turn meanwhile would keep the loop from idling.
    if (this.flushScheduled || this.holds > 0) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /** Sends every group that no member joined since the last look; looks again next turn for the others. */
  private flush(): void {
    this.flushScheduled = false;
    if (this.holds > 0) return;
    for (const group of [...this.groups.values()]) {
      if (group.growing) group.growing = false;
      else this.send(group);
    }
    if (this.groups.size > 0) this.scheduleFlush();
  }

  private send(group: Group): void {
    this.groups.delete(group.key);
    const members = group.members.filter((member) => !member.run.isCancelled);
    if (members.length === 0) return;
    const spec = mergedSpec(members);
    const merged = this.inner.run(spec);
    for (const member of members) member.run.attach(merged, () => members.every((other) => other.run.isCancelled));
    void deliver(merged, members, this.options.pacer ?? unpaced);
  }
}

/** The merged job: the first member's job with every member's inputs, under an id of its own (cancels name it). */
function mergedSpec(members: readonly Member[]): JobSpec {
  const base = members[0]!.spec;
  return { ...base, requestId: `coal_${randomUUID().replaceAll('-', '')}`, body: { ...base.body, input: members.flatMap((member) => member.inputs) } };
}

async function deliver(merged: JobRun, members: readonly Member[], pacer: BatchSlices): Promise<void> {
  try {
    for await (const event of merged.events) {
      if (event.type !== 'final') continue;
      const embeddings = (event.data as { embeddings?: unknown }).embeddings;
      const total = members.reduce((sum, member) => sum + member.inputs.length, 0);
      if (!Array.isArray(embeddings) || embeddings.length !== total) {
        throw new JobError(ErrorCode.UpstreamError, `Ollama returned ${Array.isArray(embeddings) ? embeddings.length : 'no'} embeddings for ${total} inputs.`);
      }
      const shares = shareOut(event.usage.promptTokens, members.map((member) => member.inputs.reduce((sum, input) => sum + input.length, 0)));
      let offset = 0;
      let sliceStartedAt = pacer.sliceStart();
      for (const [index, member] of members.entries()) {
        // Each member's pipeline finishes in the microtasks that follow: a few at a time, so
        // interactive requests get the event loop between them (and beside users, time).
        if (index > 0 && index % MEMBERS_PER_TURN === 0) sliceStartedAt = await pacer.turn(sliceStartedAt);
        const slice = embeddings.slice(offset, offset + member.inputs.length);
        offset += member.inputs.length;
        const fraction = total === 0 ? 0 : member.inputs.length / total;
        const usage: Usage = {
          ...event.usage,
          promptTokens: shares[index]!,
          completionTokens: 0,
          ...(event.usage.totalDurationNs !== undefined ? { totalDurationNs: Math.round(event.usage.totalDurationNs * fraction) } : {}),
          ...(event.usage.loadDurationNs !== undefined ? { loadDurationNs: Math.round(event.usage.loadDurationNs * fraction) } : {}),
          ...(event.usage.promptEvalDurationNs !== undefined ? { promptEvalDurationNs: Math.round(event.usage.promptEvalDurationNs * fraction) } : {}),
        };
        member.run.finish({ type: 'final', data: { ...event.data, embeddings: slice, prompt_eval_count: shares[index]! }, usage, workerId: event.workerId });
      }
      return;
    }
    throw new JobError(ErrorCode.UpstreamError, 'the worker ended the embed job without its result');
  } catch (error) {
    for (const member of members) member.run.fail(error);
  }
}

/** Splits `total` over `weights` in proportion, by largest remainder: the parts add up to `total` exactly. */
export function shareOut(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (weights.length === 0) return [];
  if (sum === 0) return weights.map((_, index) => (index === 0 ? total : 0));
  const exact = weights.map((weight) => (total * weight) / sum);
  const shares = exact.map(Math.floor);
  let left = total - shares.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((value, index) => ({ index, remainder: value - Math.floor(value) })).sort((a, b) => b.remainder - a.remainder);
  for (const { index } of byRemainder) {
    if (left <= 0) break;
    shares[index]! += 1;
    left -= 1;
  }
  return shares;
}

function inputsOf(body: Record<string, unknown>): string[] | undefined {
  const input = body.input;
  if (typeof input === 'string') return [input];
  if (Array.isArray(input) && input.every((item) => typeof item === 'string')) return input as string[];
  return undefined;
}

function groupKey(spec: JobSpec): string {
  const { input: _input, ...options } = spec.body;
  return JSON.stringify([spec.model, spec.keyId ?? '', spec.lane ?? '', spec.deadline === undefined ? 0 : 1, options]);
}

/** A member's view of the merged call: its own events (its vectors only), its own cancel. */
class MemberRun implements JobRun {
  readonly events = new AsyncQueue<JobEvent>();
  private merged: JobRun | undefined;
  private allCancelled: (() => boolean) | undefined;
  private cancelled = false;

  constructor(readonly requestId: string) {}

  get isCancelled(): boolean {
    return this.cancelled;
  }

  attach(merged: JobRun, allCancelled: () => boolean): void {
    this.merged = merged;
    this.allCancelled = allCancelled;
  }

  workerId(): string | undefined {
    return this.merged?.workerId();
  }

  cancel(reason: string): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.events.fail(new JobError(ErrorCode.Cancelled, reason));
    // The call is given up only when no member still wants it.
    if (this.allCancelled?.()) this.merged?.cancel(reason);
  }

  finish(event: JobEvent): void {
    this.events.push(event);
    this.events.end();
  }

  fail(error: unknown): void {
    this.events.fail(error instanceof JobError ? error : new JobError(ErrorCode.Internal, 'the merged embed call failed'));
  }
}
