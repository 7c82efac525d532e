import type { Dispatcher, JobEvent, JobRun, JobSpec } from '../jobs/dispatcher.ts';

export interface ChoiceEvent {
  choice: number;
  event: JobEvent;
}

/**
 * Runs one job per choice (n > 1 may land on different workers) and merges their events as they
 * arrive. The first failure cancels the others and is rethrown.
 */
export class FanOut {
  readonly runs: JobRun[];

  constructor(dispatcher: Dispatcher, specs: JobSpec[]) {
    this.runs = specs.map((spec) => dispatcher.run(spec));
  }

  cancel(reason: string): void {
    for (const run of this.runs) run.cancel(reason);
  }

  async *events(): AsyncGenerator<ChoiceEvent> {
    if (this.runs.length === 1) {
      for await (const event of this.runs[0]!.events) yield { choice: 0, event };
      return;
    }
    const iterators = this.runs.map((run) => run.events);
    const pending = new Map<number, Promise<{ choice: number; result: IteratorResult<JobEvent> }>>();
    const pull = (choice: number) => pending.set(choice, iterators[choice]!.next().then((result) => ({ choice, result })));
    iterators.forEach((_, choice) => pull(choice));
    try {
      while (pending.size > 0) {
        const { choice, result } = await Promise.race(pending.values());
        if (result.done) {
          pending.delete(choice);
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
}
