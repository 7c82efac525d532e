import type { UsageEvent } from '@corral/protocol';
import type { UsageSink } from '../pipeline/request-scope.ts';

/**
 * The usage sink batch lines run with. A line that has to wait and run again (no free capacity, a
 * worker lost) must not be charged for the attempt, and its retry reuses the line's request id, which
 * the usage stream would drop as a duplicate. So each line's event is handed to the line's runner:
 * the final attempt's event is published with the rest of its unit's.
 */
export class UsageGate implements UsageSink {
  private readonly waiting = new Map<string, (event: UsageEvent) => void>();

  constructor(private readonly fallback: UsageSink) {}

  /** The next event of `requestId` goes to `take` instead of the usage stream. */
  expect(requestId: string, take: (event: UsageEvent) => void): () => void {
    this.waiting.set(requestId, take);
    return () => this.waiting.delete(requestId);
  }

  record(event: UsageEvent): void {
    const take = this.waiting.get(event.requestId);
    if (take) take(event);
    else this.fallback.record(event);
  }
}
