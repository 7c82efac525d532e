import { backoff, type Backoff } from '@nats-io/nats-core';

export interface RestartPolicy {
  /** Delay before the first restart; each further one doubles it, up to maxDelayMs. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** This many crashes within windowMs is a crash loop: the launcher gives up. */
  maxCrashes: number;
  windowMs: number;
  /** A child that ran this long was healthy: its next restart waits the initial delay again. */
  healthyAfterMs: number;
}

export const defaultRestartPolicy: RestartPolicy = {
  initialDelayMs: 250,
  maxDelayMs: 15_000,
  maxCrashes: 5,
  windowMs: 60_000,
  healthyAfterMs: 30_000,
};

/** 250, 500, 1000, … capped: the interval list nats.js' backoff() walks (it adds jitter). */
export function exponentialDelays(initialDelayMs: number, maxDelayMs: number): number[] {
  const delays = [initialDelayMs];
  while (delays.at(-1)! < maxDelayMs) delays.push(Math.min(delays.at(-1)! * 2, maxDelayMs));
  return delays;
}

export type CrashVerdict = { restart: true; delayMs: number; crashesInWindow: number } | { restart: false; crashesInWindow: number };

/** The crashes of one supervised child, and what to do about the latest. Times are passed in, so it is pure. */
export class CrashHistory {
  private readonly crashTimes: number[] = [];
  private attempt = 0;
  private readonly delays: Backoff;

  constructor(private readonly policy: RestartPolicy) {
    this.delays = backoff(exponentialDelays(policy.initialDelayMs, policy.maxDelayMs));
  }

  /** Records a crash at `now` of a run that lasted `uptimeMs`. */
  record(now: number, uptimeMs: number): CrashVerdict {
    this.crashTimes.push(now);
    while (this.crashTimes[0]! <= now - this.policy.windowMs) this.crashTimes.shift();
    const crashesInWindow = this.crashTimes.length;
    if (crashesInWindow >= this.policy.maxCrashes) return { restart: false, crashesInWindow };
    if (uptimeMs >= this.policy.healthyAfterMs) this.attempt = 0;
    return { restart: true, delayMs: this.delays.backoff(this.attempt++), crashesInWindow };
  }
}
