import { PROTOCOL_VERSION, type Heartbeat } from '@corral/protocol';
import { describe, expect, it } from 'vitest';
import { FleetTable, SWEEP_INTERVAL_MS } from './fleet-table.ts';
import { availableWorkers, fleetServesInteractive, idleSlots, routeModel, servingSlots, spareSlots } from './router.ts';

function heartbeat(workerId: string, overrides: Partial<Heartbeat> = {}, models: { name: string; loaded?: boolean }[] = [{ name: 'llama3.2:latest' }]): Heartbeat {
  return {
    v: PROTOCOL_VERSION,
    workerId,
    upstream: 'http://127.0.0.1:11434',
    models: models.map((model) => ({ name: model.name, loaded: model.loaded ?? false, capabilities: ['completion'] })),
    capacity: 4,
    maxInflight: 16,
    inflight: 0,
    draining: false,
    upstreamHealthy: true,
    sentAt: Date.now(),
    intervalMs: 1000,
    ...overrides,
  };
}

function fleetOf(...heartbeats: Heartbeat[]): FleetTable {
  const fleet = new FleetTable();
  for (const entry of heartbeats) fleet.observe(entry);
  return fleet;
}

const ids = (fleet: FleetTable, model: string) => routeModel(fleet, model, () => 0.5).candidates.map((worker) => worker.workerId);

describe('routeModel', () => {
  it('only offers workers that have the model, with or without its :latest tag', () => {
    const fleet = fleetOf(heartbeat('a'), heartbeat('b', {}, [{ name: 'qwen3:latest' }]));
    expect(ids(fleet, 'llama3.2')).toEqual(['a']);
    expect(ids(fleet, 'llama3.2:latest')).toEqual(['a']);
    expect(ids(fleet, 'qwen3')).toEqual(['b']);
    expect(routeModel(fleet, 'mistral').modelKnown).toBe(false);
  });

  it('prefers a worker with the model loaded, then the least loaded relative to capacity', () => {
    const fleet = fleetOf(
      heartbeat('cold-idle', { inflight: 0 }),
      heartbeat('warm-busy', { inflight: 2 }, [{ name: 'llama3.2:latest', loaded: true }]),
      heartbeat('warm-idle', { inflight: 1, capacity: 8 }, [{ name: 'llama3.2:latest', loaded: true }]),
    );
    expect(ids(fleet, 'llama3.2')).toEqual(['warm-idle', 'warm-busy', 'cold-idle']);
  });

  it('puts saturated workers after ones with a free slot, even if the model is loaded there', () => {
    const fleet = fleetOf(heartbeat('warm-full', { inflight: 4 }, [{ name: 'llama3.2:latest', loaded: true }]), heartbeat('cold-free'));
    expect(ids(fleet, 'llama3.2')).toEqual(['cold-free', 'warm-full']);
  });

  it('skips draining, unhealthy and full workers but still knows the model exists', () => {
    const fleet = fleetOf(
      heartbeat('draining', { draining: true }),
      heartbeat('unhealthy', { upstreamHealthy: false }),
      heartbeat('full', { inflight: 16 }),
    );
    const decision = routeModel(fleet, 'llama3.2');
    expect(decision.candidates).toEqual([]);
    expect(decision).toMatchObject({ modelKnown: true, holders: 3, unhealthy: 1 });
    expect(routeModel(fleet, 'qwen3')).toMatchObject({ candidates: [], modelKnown: false, holders: 0, unhealthy: 0 });
  });

  it('never offers a cordoned worker a job, nor counts its slots, and offers it again once uncordoned', () => {
    const fleet = fleetOf(heartbeat('cordoned', { cordoned: true }, [{ name: 'llama3.2:latest', loaded: true }]), heartbeat('open'));
    expect(ids(fleet, 'llama3.2')).toEqual(['open']);
    expect(spareSlots(fleet, 'llama3.2')).toBe(16);
    fleet.observe(heartbeat('open', { cordoned: true }));
    expect(routeModel(fleet, 'llama3.2')).toMatchObject({ candidates: [], modelKnown: true, holders: 2, unhealthy: 0 });
    fleet.observe(heartbeat('cordoned', { cordoned: false }, [{ name: 'llama3.2:latest', loaded: true }]));
    expect(ids(fleet, 'llama3.2')).toEqual(['cordoned']);
  });

  it('counts idle slots (below capacity), spare slots (below maxInflight) and available workers alike', () => {
    const fleet = fleetOf(
      heartbeat('busy', { inflight: 6 }),
      heartbeat('half', { inflight: 2 }),
      heartbeat('full', { inflight: 16 }),
      heartbeat('draining', { draining: true }),
      heartbeat('other-model', {}, [{ name: 'qwen3:latest' }]),
    );
    expect(idleSlots(fleet, 'llama3.2')).toBe(0 + 2);
    expect(spareSlots(fleet, 'llama3.2')).toBe(10 + 14);
    expect(availableWorkers(fleet, 'llama3.2')).toBe(2);
    expect(availableWorkers(fleet, 'llama3.2')).toBe(routeModel(fleet, 'llama3.2').candidates.length);
    fleet.jobStarted('half');
    expect(idleSlots(fleet, 'llama3.2')).toBe(1);
    expect(availableWorkers(fleet, 'qwen3')).toBe(1);
    expect(availableWorkers(fleet, 'mistral')).toBe(0);
  });

  it('counts the serving workers\' slots busy or not, and only theirs', () => {
    const fleet = fleetOf(
      heartbeat('busy', { inflight: 6 }),
      heartbeat('small', { capacity: 2 }),
      heartbeat('full', { inflight: 16 }),
      heartbeat('unhealthy', { upstreamHealthy: false }),
      heartbeat('other-model', {}, [{ name: 'qwen3:latest' }]),
    );
    expect(servingSlots(fleet, 'llama3.2')).toBe(4 + 2);
    expect(servingSlots(fleet, 'qwen3')).toBe(4);
    expect(servingSlots(fleet, 'mistral')).toBe(0);
  });

  it('sees users served anywhere on the fleet from the heartbeats: interactive jobs are those in flight beyond the batch ones', () => {
    expect(fleetServesInteractive(fleetOf(heartbeat('a'), heartbeat('b', { inflight: 3, batchInflight: 3 })))).toBe(false);
    expect(fleetServesInteractive(fleetOf(heartbeat('a'), heartbeat('b', { inflight: 3, batchInflight: 2 })))).toBe(true);
    // A worker of an older version reports no batch jobs apart: all its jobs count as interactive.
    expect(fleetServesInteractive(fleetOf(heartbeat('a', { inflight: 1 })))).toBe(true);
    expect(fleetServesInteractive(fleetOf())).toBe(false);
  });

  it('counts jobs sent since the last heartbeat so a burst spreads across equal workers', () => {
    const fleet = fleetOf(heartbeat('a'), heartbeat('b'));
    const first = ids(fleet, 'llama3.2')[0]!;
    fleet.jobStarted(first);
    expect(ids(fleet, 'llama3.2')[0]).not.toBe(first);
  });

  it('forgets finished jobs at once: many short jobs between heartbeats never make a worker look full', () => {
    const fleet = fleetOf(heartbeat('a', { maxInflight: 4 }));
    for (let job = 0; job < 1000; job++) {
      expect(ids(fleet, 'llama3.2')).toEqual(['a']);
      fleet.jobStarted('a');
      fleet.jobEnded('a');
    }
    for (let job = 0; job < 4; job++) fleet.jobStarted('a');
    expect(routeModel(fleet, 'llama3.2').candidates).toEqual([]);
  });

  it('adds other edges\' jobs from the heartbeat to this edge\'s own, without counting its own twice', () => {
    const fleet = fleetOf(heartbeat('a'));
    fleet.jobStarted('a');
    fleet.jobStarted('a');
    // The next heartbeat counts our two jobs and three of another edge.
    fleet.observe(heartbeat('a', { inflight: 5 }));
    expect(fleet.estimatedInflight(fleet.get('a')!)).toBe(5);
    fleet.jobEnded('a');
    expect(fleet.estimatedInflight(fleet.get('a')!)).toBe(4);
  });
});

describe('FleetTable', () => {
  it('forgets a worker that announces its exit and tells listeners', () => {
    const fleet = fleetOf(heartbeat('a'));
    const lost: string[] = [];
    fleet.onWorkerLost((workerId) => lost.push(workerId));
    fleet.observe(heartbeat('a', { draining: true, models: [] }, []));
    expect(fleet.size()).toBe(0);
    expect(lost).toEqual(['a']);
  });

  it('forgets a worker whose heartbeats stopped', async () => {
    let now = 1_000;
    const fleet = new FleetTable(() => now);
    fleet.observe(heartbeat('a', { intervalMs: 10 }));
    const lost: string[] = [];
    fleet.onWorkerLost((workerId) => lost.push(workerId));
    now += 1_000;
    fleet.expireSilentWorkers();
    expect(lost).toEqual(['a']);
  });

  it('does not forget workers for the time this edge itself was stalled, only for real silence', () => {
    let now = 1_000;
    const fleet = new FleetTable(() => now);
    const lost: string[] = [];
    fleet.onWorkerLost((workerId) => lost.push(workerId));
    fleet.observe(heartbeat('a', { intervalMs: 100 }));
    now += SWEEP_INTERVAL_MS;
    fleet.sweep();
    // A 2 s stall: the timer fires late, before the heartbeats queued meanwhile are read.
    now += 2_000;
    fleet.sweep();
    expect(lost).toEqual([]);
    fleet.observe(heartbeat('a', { intervalMs: 100 }));
    now += SWEEP_INTERVAL_MS;
    fleet.sweep();
    expect(fleet.size()).toBe(1);
    // Then the worker really goes silent: on-time rounds forget it.
    for (let round = 0; round < 2; round++) {
      now += SWEEP_INTERVAL_MS;
      fleet.sweep();
    }
    expect(lost).toEqual(['a']);
  });
});
