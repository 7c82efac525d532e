import type { IncomingHttpHeaders } from 'node:http';
import type { CompletedRequest } from './types.ts';

interface Waiter {
  predicate: (request: CompletedRequest) => boolean;
  resolve: (request: CompletedRequest) => void;
  timer: NodeJS.Timeout;
}

/** Finished requests kept by default: tests look at the last few, and a long benchmark must not grow without bound. */
export const DEFAULT_REQUEST_LOG_LIMIT = 10_000;

/** Finished inference requests, in completion order (the newest `limit` of them), with waiters for tests. */
export class RequestLog {
  private readonly finished: CompletedRequest[] = [];
  constructor(private readonly limit = DEFAULT_REQUEST_LOG_LIMIT) {}

  private readonly waiters = new Set<Waiter>();
  private lastId = 0;
  private inFlight = 0;
  private readonly inFlightByPath = new Map<string, number>();
  private readonly peakByPath = new Map<string, number>();

  /** Starts tracking a request; finish it exactly once with finish(). */
  begin(path: string, headers: IncomingHttpHeaders = {}): CompletedRequest {
    this.inFlight++;
    const onPath = (this.inFlightByPath.get(path) ?? 0) + 1;
    this.inFlightByPath.set(path, onPath);
    if (onPath > (this.peakByPath.get(path) ?? 0)) this.peakByPath.set(path, onPath);
    return {
      id: ++this.lastId,
      path,
      headers,
      model: '',
      stream: !path.startsWith('/v1/') && !path.startsWith('/api/embed'),
      content: '',
      thinking: '',
      toolCalls: [],
      promptEvalCount: 0,
      evalCount: 0,
      doneReason: null,
      cancelled: false,
      status: 200,
      body: undefined,
    };
  }

  /** Attaches the parsed body (and the model / stream flag it names) to a record. */
  describe(record: CompletedRequest, body: unknown): void {
    record.body = body;
    if (typeof body !== 'object' || body === null) return;
    const { model, stream } = body as { model?: unknown; stream?: unknown };
    if (typeof model === 'string') record.model = model;
    if (typeof stream === 'boolean') record.stream = stream;
  }

  finish(request: CompletedRequest): void {
    this.inFlight--;
    this.inFlightByPath.set(request.path, (this.inFlightByPath.get(request.path) ?? 1) - 1);
    this.finished.push(request);
    if (this.finished.length > this.limit) this.finished.shift();
    for (const waiter of this.waiters) {
      if (waiter.predicate(request)) {
        this.waiters.delete(waiter);
        clearTimeout(waiter.timer);
        waiter.resolve(request);
      }
    }
  }

  all(): CompletedRequest[] {
    return [...this.finished];
  }

  cancellations(): CompletedRequest[] {
    return this.finished.filter((request) => request.cancelled);
  }

  active(): number {
    return this.inFlight;
  }

  /** The most requests to this path that were ever in flight at once. */
  peakActive(path: string): number {
    return this.peakByPath.get(path) ?? 0;
  }

  waitFor(predicate: (request: CompletedRequest) => boolean, timeoutMs = 5000): Promise<CompletedRequest> {
    const past = this.finished.find(predicate);
    if (past) return Promise.resolve(past);
    return new Promise<CompletedRequest>((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new Error(`no matching request finished within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }
}
