import { setImmediate as nextTurn } from 'node:timers/promises';
import type { JobDispatcher, JobEvent, JobRun, JobSpec } from '../jobs/dispatcher.ts';

export interface ChoiceEvent {
  choice: number;
  event: JobEvent;
}

/**
 * Time one turn of the event loop may spend starting jobs. Sending a job costs its JSON encoding
 * and a publish, in proportion to its size (n copies of a 190 KB prompt are 24 MB), so a large
 * request yields between slices instead of holding the loop, and every other request with it.
 */
export const START_SLICE_MS = 4;

type Arrival = { choice: number; result: IteratorResult<JobEvent> } | 'turn';

/**
 * Runs one job per choice (n > 1 may land on different workers) and merges their events as they
 * arrive. Jobs start as the fleet has room for them: never more at once than the workers serving
 * the model have spare slots (but always at least one), the rest as earlier ones finish. So a
 * request with more jobs than the fleet can hold at once is served in waves instead of being
 * refused as "busy", a 503 its client would retry forever. The first failure cancels the others
 * and is rethrown.
 */
export class FanOut {
  private readonly runs: JobRun[] = [];
  private finished = 0;
  private cancelled = false;

  constructor(
    private readonly dispatcher: JobDispatcher,
    private readonly specs: readonly JobSpec[],
  ) {
    // The first batch starts now: a request cancelled before it is read still has a run to fail.
    this.startBatch();
  }

  cancel(reason: string): void {
    this.cancelled = true;
    for (const run of this.runs) run.cancel(reason);
  }

  async *events(): AsyncGenerator<ChoiceEvent> {
    if (this.specs.length === 1) {
      for await (const event of this.runs[0]!.events) yield { choice: 0, event };
      return;
    }
    const pending = new Map<number, Promise<Arrival>>();
    const pull = (choice: number) => pending.set(choice, this.runs[choice]!.events.next().then((result) => ({ choice, result })));
    let watched = 0;
    let turn: Promise<'turn'> | undefined;
    try {
      for (;;) {
        for (; watched < this.runs.length; watched++) pull(watched);
        if (turn === undefined && this.canStartMore()) turn = nextTurn().then(() => 'turn' as const);
        if (pending.size === 0 && turn === undefined) return;
        const arrival = await Promise.race(turn === undefined ? pending.values() : [...pending.values(), turn]);
        if (arrival === 'turn') {
          turn = undefined;
          this.startBatch();
          continue;
        }
        const { choice, result } = arrival;
        if (result.done) {
          pending.delete(choice);
          this.finished++;
          continue;
        }
        pull(choice);
        yield { choice, event: result.value };
      }
    } catch (error) {
      this.cancel('another choice failed');
      throw error;
    }
  }

  private inFlight(): number {
    return this.runs.length - this.finished;
  }

  /** Jobs that may start now: the fleet's spare slots for the model, or one when none of ours runs (its refusal then says why). */
  private startable(): number {
    if (this.cancelled) return 0;
    const waiting = this.specs.length - this.runs.length;
    if (waiting === 0) return 0;
    const spare = this.dispatcher.spareSlots(this.specs[this.runs.length]!.model);
    return Math.min(waiting, this.inFlight() === 0 ? Math.max(1, spare) : spare);
  }

  private canStartMore(): boolean {
    return this.startable() > 0;
  }

  /** Starts what may start now, at least one job, until the slice of this turn is used up. */
  private startBatch(): void {
    const count = this.startable();
    const sliceEnd = performance.now() + START_SLICE_MS;
    for (let started = 0; started < count && (started === 0 || performance.now() < sliceEnd); started++) {
      this.runs.push(this.dispatcher.run(this.specs[this.runs.length]!));
    }
  }
}
