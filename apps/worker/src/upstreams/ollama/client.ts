import { Pool, type Dispatcher } from 'undici';

export type UpstreamResponse = Pick<Dispatcher.ResponseData, 'statusCode' | 'body'>;

/** The one Ollama this worker serves, over a keep-alive connection pool. */
export interface OllamaClient {
  readonly url: string;
  /**
   * POSTs a JSON body; aborting `signal` closes the connection so Ollama frees the slot. A
   * `traceparent` goes along as its header, for a tracing proxy in front of Ollama.
   */
  post(path: string, body: string, signal: AbortSignal, traceparent?: string): Promise<UpstreamResponse>;
  /** GETs a small JSON document (inventory), failing after `timeoutMs`. */
  getJson(path: string, timeoutMs: number): Promise<unknown>;
  /** Lets requests in flight finish, then closes the connections. */
  close(): Promise<void>;
  /** Closes every connection now. */
  destroy(): Promise<void>;
}

export interface OllamaClientOptions {
  url: string;
  /** Jobs held at once; every one keeps a connection (Ollama queues them itself). */
  maxInflight: number;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

export function createOllamaClient(options: OllamaClientOptions): OllamaClient {
  const base = new URL(options.url);
  // OLLAMA_URL may sit behind a reverse proxy under a path.
  const basePath = base.pathname.replace(/\/+$/, '');
  const pool = new Pool(base.origin, {
    // One spare connection so inventory polling never queues behind a full set of generations.
    connections: options.maxInflight + 1,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
    // Model loads and slot waits can take minutes before the first byte; deadlines, cancels and
    // the edge's idle timeout bound a job instead.
    headersTimeout: 0,
    bodyTimeout: 0,
  });

  return {
    url: options.url,
    post(path, body, signal, traceparent) {
      const headers = traceparent === undefined ? JSON_HEADERS : { ...JSON_HEADERS, traceparent };
      return pool.request({ path: basePath + path, method: 'POST', body, headers, signal });
    },
    async getJson(path, timeoutMs) {
      const signal = AbortSignal.timeout(timeoutMs);
      const response = await pool.request({ path: basePath + path, method: 'GET', signal });
      if (response.statusCode < 200 || response.statusCode >= 300) {
        await response.body.dump();
        throw new Error(`GET ${path} answered HTTP ${response.statusCode}`);
      }
      return response.body.json();
    },
    close: () => pool.close(),
    destroy: () => pool.destroy(),
  };
}
