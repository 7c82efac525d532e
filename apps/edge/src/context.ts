import type { Bus } from '@corral/bus';
import type { EdgeConfig } from '@corral/config';
import type { FastifyBaseLogger } from 'fastify';
import type { KeyTable } from './auth/key-table.ts';
import type { BatchTable } from './batches/batch-table.ts';
import type { TeamTable } from './auth/team-table.ts';
import type { FleetTable } from './fleet/fleet-table.ts';
import type { JobDispatcher } from './jobs/dispatcher.ts';
import type { ModelTable } from './model-config/model-table.ts';
import type { InteractiveLoad } from './pipeline/interactive-load.ts';
import type { UsageSink } from './pipeline/request-scope.ts';
import type { RateLimiter } from './pipeline/rate-limiter.ts';

/** Everything a route handler may use, handed over as one typed value. */
export interface EdgeContext {
  readonly config: EdgeConfig;
  readonly bus: Bus;
  readonly fleet: FleetTable;
  readonly dispatcher: JobDispatcher;
  /** API keys replicated from accounting; absent only when AUTH_DISABLED. */
  readonly keys: KeyTable | undefined;
  /** Teams replicated from accounting (their models, limits and monthly spend); absent only when AUTH_DISABLED. */
  readonly teams: TeamTable | undefined;
  readonly models: ModelTable;
  /** Batches, watched from the bus (the batch routes read it; the runners follow cancels through it). */
  readonly batches: BatchTable;
  readonly usage: UsageSink;
  readonly limits: RateLimiter;
  /** Interactive requests in flight and the event loop's load: batch work yields to them. */
  readonly interactive: InteractiveLoad;
  readonly logger: FastifyBaseLogger;
}
