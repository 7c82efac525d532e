import { describe, expect, it } from 'vitest';
import { batchInflight, inflightSplit, interactiveInflight } from './fleet-types.ts';

describe('batch and interactive jobs in flight', () => {
  it('splits each worker and the fleet', () => {
    const workers = [
      { inflight: 5, batchInflight: 2 },
      { inflight: 3, batchInflight: 3 },
    ];
    expect(workers.map(interactiveInflight)).toEqual([3, 0]);
    expect(inflightSplit(workers)).toEqual({ total: 8, interactive: 3, batch: 5 });
  });

  it('counts every job as interactive for a worker that does not report batch jobs', () => {
    expect(batchInflight({ inflight: 4 })).toBe(0);
    expect(interactiveInflight({ inflight: 4 })).toBe(4);
  });

  it('never shows more batch jobs than jobs in flight, whatever a heartbeat says', () => {
    expect(batchInflight({ inflight: 1, batchInflight: 3 })).toBe(1);
    expect(interactiveInflight({ inflight: 1, batchInflight: 3 })).toBe(0);
  });
});
