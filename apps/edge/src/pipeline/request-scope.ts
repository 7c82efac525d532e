import { PROTOCOL_VERSION, UsageStatus, type Usage, type UsageEvent } from '@corral/protocol';

/** Where finished requests are reported; the real one publishes to the durable usage stream. */
export interface UsageSink {
  record(event: UsageEvent): void;
}

export interface ScopeOutcome {
  httpStatus: number;
  errorCode?: string;
  cancelled?: boolean;
}

/**
 * One HTTP request's life as accounting sees it: who asked, for which model, how long it took, the
 * first token's time, the exact tokens (summed over every job it ran) and how it ended. It reports
 * exactly once, whatever path the request took (success, error, client gone).
 */
export class RequestScope {
  readonly startedAt = Date.now();
  private readonly startedAtPrecise = performance.now();
  private firstTokenAt: number | undefined;
  private promptTokens = 0;
  private completionTokens = 0;
  private loadDurationNs = 0;
  private promptEvalDurationNs = 0;
  private evalDurationNs = 0;
  private workerId: string | undefined;
  private reported = false;
  /** Token chunks seen per job that has not delivered its final counts (yet). */
  private readonly unsettledTokens = new Map<number, number>();
  alias = '';
  model = '';
  stream = false;

  constructor(
    readonly requestId: string,
    readonly endpoint: string,
    /** Set once the caller is authenticated. */
    public keyId: string | null,
    private readonly sink: UsageSink,
  ) {}

  setModel(alias: string, model: string): void {
    this.alias = alias;
    this.model = model;
  }

  markFirstToken(): void {
    this.firstTokenAt ??= performance.now();
  }

  /**
   * Counts one generated token of a job. Ollama streams one token per chunk, so when a job ends
   * without its final counts (the client left, the worker died) this is what it generated.
   */
  noteGeneratedToken(job: number): void {
    this.unsettledTokens.set(job, (this.unsettledTokens.get(job) ?? 0) + 1);
  }

  /** A job's final counts from Ollama: exact, and replacing what `noteGeneratedToken` counted. */
  settleJob(job: number, usage: Usage, workerId?: string): void {
    this.unsettledTokens.delete(job);
    this.addUsage(usage, workerId);
  }

  addUsage(usage: Usage, workerId?: string): void {
    this.promptTokens += usage.promptTokens;
    this.completionTokens += usage.completionTokens;
    this.loadDurationNs += usage.loadDurationNs ?? 0;
    this.promptEvalDurationNs += usage.promptEvalDurationNs ?? 0;
    this.evalDurationNs += usage.evalDurationNs ?? 0;
    if (workerId) this.workerId = workerId;
  }

  get tokens(): { promptTokens: number; completionTokens: number } {
    return { promptTokens: this.promptTokens, completionTokens: this.completionTokens };
  }

  finish(outcome: ScopeOutcome): void {
    if (this.reported) return;
    this.reported = true;
    for (const count of this.unsettledTokens.values()) this.completionTokens += count;
    this.unsettledTokens.clear();
    const finishedAt = Date.now();
    const status = outcome.cancelled ? UsageStatus.Cancelled : outcome.httpStatus < 400 ? UsageStatus.Ok : UsageStatus.Error;
    this.sink.record({
      v: PROTOCOL_VERSION,
      requestId: this.requestId,
      keyId: this.keyId,
      alias: this.alias || 'unknown',
      model: this.model || this.alias || 'unknown',
      endpoint: this.endpoint,
      stream: this.stream,
      status,
      httpStatus: outcome.httpStatus,
      ...(outcome.errorCode ? { errorCode: outcome.errorCode } : {}),
      promptTokens: this.promptTokens,
      completionTokens: this.completionTokens,
      ...(this.firstTokenAt !== undefined ? { ttftMs: Math.round((this.firstTokenAt - this.startedAtPrecise) * 1000) / 1000 } : {}),
      durationMs: Math.round((performance.now() - this.startedAtPrecise) * 1000) / 1000,
      ...(this.loadDurationNs ? { loadDurationNs: this.loadDurationNs } : {}),
      ...(this.promptEvalDurationNs ? { promptEvalDurationNs: this.promptEvalDurationNs } : {}),
      ...(this.evalDurationNs ? { evalDurationNs: this.evalDurationNs } : {}),
      ...(this.workerId ? { workerId: this.workerId } : {}),
      startedAt: new Date(this.startedAt).toISOString(),
      finishedAt: new Date(finishedAt).toISOString(),
    });
  }
}
