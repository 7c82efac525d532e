/** Public shapes of the Ollama emulator (see startEmulator). */
import type { IncomingHttpHeaders } from 'node:http';

export interface EmulatedModel {
  /** Display name with tag, e.g. 'llama3.2:latest'. */
  name: string;
  /** Any of completion | tools | thinking | vision | embedding | insert. */
  capabilities: string[];
  family?: string;
  parameterSize?: string;
  quantization?: string;
  /** Trained context length (model_info `<arch>.context_length`). */
  contextLength?: number;
  /** Embedding width; also the dimension of /api/embed vectors (default 384). */
  embeddingLength?: number;
  sizeBytes?: number;
}

export interface EmulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a random free port). */
  port?: number;
  /** Default DEFAULT_MODELS. */
  models?: EmulatedModel[];
  /** Content tokens per reply. Default 12. */
  tokensPerReply?: number;
  /** Delay before each generated token, simulating GPU speed. Default 0 (yield between tokens). */
  tokenDelayMs?: number;
  /** Parallel slots per loaded model (OLLAMA_NUM_PARALLEL). Default 1. */
  numParallel?: number;
  /** Requests allowed to wait for a model load (OLLAMA_MAX_QUEUE). Default 512. */
  maxQueue?: number;
  /** Time a model load takes. Default 0. */
  loadDelayMs?: number;
  /** Default keep-alive: Go duration string or seconds (OLLAMA_KEEP_ALIVE). Default '5m'. */
  keepAlive?: string | number;
  /** Fixed time every /api/embed call holds the model's slot (a GPU's per-batch cost). Default 0. */
  embedCallDelayMs?: number;
  /** Embedding speed while the slot is held: prompt tokens per second (0 = instant). Default 0. */
  embedTokensPerSecond?: number;
  /** When set, chat/generate fail after this many generated tokens (in-band error when streaming). */
  failAfterTokens?: number;
  /** Finished requests remembered for `requests()` and `waitFor()`, oldest dropped first. Default 10 000. */
  requestLogLimit?: number;
}

export interface CompletedRequest {
  /** Sequence number in arrival order (starts at 1). */
  id: number;
  path: string;
  /** The request's HTTP headers (lower-case names), e.g. the `traceparent` a worker passed on. */
  headers: IncomingHttpHeaders;
  model: string;
  stream: boolean;
  content: string;
  thinking: string;
  toolCalls: unknown[];
  promptEvalCount: number;
  evalCount: number;
  doneReason: string | null;
  cancelled: boolean;
  /** HTTP status sent (499 when the client left before the response started). */
  status: number;
  /** The parsed request body. */
  body: unknown;
  /** Error text when the request failed (before or during the stream). */
  error?: string;
}

export interface Emulator {
  /** http://HOST:PORT */
  url: string;
  close(): Promise<void>;
  /** Change knobs at runtime; numParallel also resizes the slots of loaded models. */
  setOptions(partial: Partial<EmulatorOptions>): void;
  /** Every finished (or cancelled / failed) inference request, in completion order. */
  requests(): CompletedRequest[];
  cancellations(): CompletedRequest[];
  /** Resolves with the first finished request matching the predicate (past or future). Default timeout 5000 ms. */
  waitFor(predicate: (request: CompletedRequest) => boolean, timeoutMs?: number): Promise<CompletedRequest>;
  /** Inference requests currently in flight. */
  active(): number;
  /** The most inference requests to one path (`/api/embed`) that were ever in flight at once. */
  peakActive(path: string): number;
  /** Names of the models currently loaded. */
  loaded(): string[];
}
