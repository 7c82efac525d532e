import type { ModelCatalog } from './models.ts';
import type { RequestLog } from './request-log.ts';
import type { Scheduler } from './scheduler.ts';

/** The emulator's knobs after defaults, as handlers read them (they may change at runtime). */
export interface Settings {
  tokensPerReply: number;
  tokenDelayMs: number;
  numParallel: number;
  maxQueue: number;
  loadDelayMs: number;
  keepAliveMs: number;
  failAfterTokens: number | undefined;
  embedCallDelayMs: number;
  embedTokensPerSecond: number;
}

/** What every handler gets. */
export interface EmulatorContext {
  settings: Settings;
  catalog: ModelCatalog;
  scheduler: Scheduler;
  log: RequestLog;
}
