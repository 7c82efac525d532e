import type { Bus } from '@corral/bus';
import type { FleetTable } from '../fleet/fleet-table.ts';
import { spareSlots } from '../fleet/router.ts';
import type { AttemptContext } from './attempt.ts';
import { Dispatch } from './dispatch.ts';
import type { DispatcherOptions, JobRun, JobSpec } from './job-run.ts';
import { WorkerLosses } from './worker-losses.ts';

import type { JobDispatcher } from './job-run.ts';
export type { DispatcherOptions, JobDispatcher, JobEvent, JobRun, JobSpec } from './job-run.ts';

/**
 * Sends jobs to workers and turns their streamed replies into an ordered event stream: one
 * Dispatch per request (see dispatch.ts), one Attempt per worker it tries (see attempt.ts).
 */
export class Dispatcher implements JobDispatcher {
  private readonly context: AttemptContext;

  constructor(
    bus: Bus,
    private readonly fleet: FleetTable,
    options: DispatcherOptions,
  ) {
    const losses = new WorkerLosses();
    fleet.onWorkerLost((workerId) => losses.lose(workerId));
    this.context = { bus, fleet, options, losses };
  }

  /** How many more jobs for `model` the fleet can take right now (see spareSlots). */
  spareSlots(model: string): number {
    return spareSlots(this.fleet, model);
  }

  run(spec: JobSpec): JobRun {
    const dispatch = new Dispatch(spec, this.context);
    dispatch.start();
    return dispatch;
  }
}
