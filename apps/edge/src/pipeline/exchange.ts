import { excerpt, type ModelOverrides, type ThinkValue } from '@corral/ollama';
import { validTraceparent, type JobLane } from '@corral/protocol';
import type { IncomingHeaders } from '../auth/authenticate.ts';
import type { EdgeContext } from '../context.ts';
import { FailureKind, HttpError } from '../errors/http-error.ts';
import { identifyCaller, identifyKey, type Caller } from './access.ts';
import type { Limit } from './rate-limiter.ts';
import { RequestScope } from './request-scope.ts';

/** Per-model settings from accounting, in Ollama's terms; they fill what the request left unset. */
export type { ModelOverrides };

export interface ModelTarget {
  /** The name the caller used. */
  alias: string;
  /** The Ollama model that will run. */
  model: string;
  overrides?: ModelOverrides;
  requestTimeoutMs?: number;
}

/** Who asks, as the pipeline sees a request: plain values, whatever carried it (HTTP, a batch line). */
export interface ExchangeIdentity {
  /** Names the usage row (and every answer's x-request-id). */
  requestId: string;
  endpoint: string;
  headers: IncomingHeaders;
  /** Runs as this key instead of one presented in the headers (a batch line runs as its batch's key). */
  keyId?: string;
  lane?: JobLane;
}

/**
 * One API request from arrival to its usage event: who the caller is, which model it may use, and
 * how it ended. The generation pipeline opens one per request, so auth, access, limits and
 * accounting work the same on every surface.
 */
export class Exchange {
  readonly scope: RequestScope;
  /** The caller's W3C `traceparent`, when valid: every job of the request carries it to the worker. */
  readonly traceparent: string | undefined;
  private caller: Caller | undefined;

  constructor(
    private readonly context: EdgeContext,
    private readonly identity: ExchangeIdentity,
  ) {
    // The id every answer already carries as x-request-id (the SDKs expose it as `_request_id`) names the usage row.
    this.scope = new RequestScope(identity.requestId, identity.endpoint, null, context.usage);
    this.traceparent = validTraceparent(identity.headers.traceparent);
  }

  /** The lane its jobs travel in (a batch line's take only idle capacity). */
  get lane(): JobLane {
    return this.identity.lane ?? 'interactive';
  }

  get keyId(): string | null {
    return this.caller?.key?.id ?? null;
  }

  /** Authenticates and applies the rate limits of the key and of its team. Throws an HttpError for the caller. */
  authenticate(): Caller {
    const { keyId, headers } = this.identity;
    const caller = keyId === undefined ? identifyCaller(this.context, headers) : identifyKey(this.context, keyId);
    this.caller = caller;
    this.scope.keyId = caller.key?.id ?? null;
    // Request-rate limits guard interactive capacity; batch lines only ever use what it leaves idle.
    // Budgets still apply to them: a spent budget refuses a line like any request (insufficient_quota).
    const limits = this.lane === 'batch' ? [] : limitsOf(caller);
    if (limits.length > 0) {
      const refusal = this.context.limits.admit(limits);
      if (refusal) {
        const { limit, retryAfterSeconds } = refusal;
        const whose = limit.id === caller.key?.id ? 'this API key' : "this API key's team";
        throw new HttpError(429, FailureKind.RateLimit, `Rate limit reached for ${whose} (${limit.rpm ?? '∞'} requests/min, ${limit.tpm ?? '∞'} tokens/min). Try again in ${retryAfterSeconds} s.`, {
          code: 'rate_limit_exceeded',
          retryAfterSeconds,
        });
      }
    }
    return caller;
  }

  /**
   * Resolves an alias to its target and overrides, refusing models the key may not use with the
   * same 404 as a model that does not exist (a key learns nothing about models it cannot use).
   */
  resolveModel(requested: string): ModelTarget {
    const caller = this.caller ?? this.authenticate();
    const resolved = this.context.models.resolve(requested);
    // Recorded before the access check: a refused request's usage row names what was asked for.
    this.scope.setModel(resolved.alias, resolved.target);
    if (!caller.mayUse(resolved.alias)) {
      throw new HttpError(404, FailureKind.NotFound, `The model '${excerpt(requested)}' does not exist or you do not have access to it.`, { code: 'model_not_found', param: 'model' });
    }
    const config = resolved.config;
    if (!config) return { alias: resolved.alias, model: resolved.target };
    const overrides: ModelOverrides = {
      ...(Object.keys(config.options).length > 0 ? { options: config.options } : {}),
      ...(config.think !== null ? { think: config.think as ThinkValue } : {}),
      ...(config.keepAlive !== null ? { keep_alive: config.keepAlive } : {}),
      ...(config.excludeReasoning ? { excludeReasoning: true } : {}),
    };
    return {
      alias: resolved.alias,
      model: resolved.target,
      overrides,
      ...(config.requestTimeoutMs !== null ? { requestTimeoutMs: config.requestTimeoutMs } : {}),
    };
  }

  succeed(httpStatus: number): void {
    this.settle({ httpStatus });
  }

  fail(error: HttpError): void {
    this.settle({ httpStatus: error.status, errorCode: error.extra.code ?? error.kind });
  }

  cancel(): void {
    this.settle({ httpStatus: 499, errorCode: 'client_disconnected', cancelled: true });
  }

  private settle(outcome: { httpStatus: number; errorCode?: string; cancelled?: boolean }): void {
    if (this.caller) {
      const { promptTokens, completionTokens } = this.scope.tokens;
      for (const limit of limitsOf(this.caller)) if (limit.tpm !== null) this.context.limits.spend(limit.id, promptTokens + completionTokens);
    }
    this.scope.finish(outcome);
  }
}

/** The limits a caller's requests count against: its key's, then its team's (kept under `team:` ids, shared by the team's keys). */
function limitsOf(caller: Caller): Limit[] {
  const limits: Limit[] = [];
  const { key, team } = caller;
  if (key && (key.rpm !== null || key.tpm !== null)) limits.push({ id: key.id, rpm: key.rpm, tpm: key.tpm });
  if (team && (team.rpm !== null || team.tpm !== null)) limits.push({ id: `team:${team.id}`, rpm: team.rpm, tpm: team.tpm });
  return limits;
}
