import { z } from 'zod';
import { blobSettings, boolean, busSettings, fraction, integer, optionalString } from './shared.ts';

export const EdgeConfig = z.object({
  ...busSettings,
  ...blobSettings,
  /**
   * Disk cap of the object store bucket holding the files uploaded to /v1/files, reserved on the
   * JetStream server when the bucket is created (on the first file operation). 0: no cap. Default: 10 GiB.
   */
  FILES_BUCKET_MAX_BYTES: integer(10 * 1024 ** 3),
  /**
   * Largest file one upload to /v1/files may carry (OpenAI's limit is 512 MB; batch inputs are held
   * to 200 MB as well). It replaces BODY_LIMIT_BYTES for that route alone. Default: 512 MiB.
   */
  FILES_MAX_BYTES: integer(512 * 1024 ** 2),
  /** Whether this edge runs batch work (validates, executes and finalizes batches). Default: true. */
  BATCH_RUNNER: boolean(true),
  /** Request lines per work unit (the queue's message; a redelivered unit runs again); embeddings units hold BATCH_EMBED_MAX_INPUTS inputs instead. Default: 128. */
  BATCH_UNIT_LINES: integer(128),
  /**
   * While interactive requests are in flight, this edge starts no batch lines if its event loop was
   * busier than this share over the last 50 ms: the lower, the less a batch costs chat users, and the
   * slower it runs beside them (alone it runs at full speed whatever the value). Default: 0.15.
   */
  BATCH_YIELD_UTILIZATION: fraction(0.15),
  /** Work units one edge runs at once. Default: 16. */
  BATCH_MAX_UNITS: integer(16),
  /**
   * Inputs one coalesced /api/embed call of batch embeddings lines carries at most: large enough that
   * the per-call cost vanishes, small enough that the lines waiting on the calls in flight stay few
   * (their memory is what the edge's garbage collector walks beside chat users). Default: 256.
   */
  BATCH_EMBED_MAX_INPUTS: integer(256),
  /**
   * Coalesced batch /api/embed calls this edge keeps in flight per worker serving the model: one
   * computing and one waiting keep the GPU busy; more only wait in Ollama's queue, their lines held
   * in the edge's memory (and its garbage collector's pauses) meanwhile. Default: 2.
   */
  BATCH_EMBED_CALLS_PER_WORKER: integer(2),
  /**
   * While users are being served (on this edge, or on any worker by its heartbeat), the share of the
   * serving workers' batch capacity (BATCH_EMBED_CALLS_PER_WORKER calls per worker for embeddings,
   * their parallel slots otherwise) batch work may hold on this edge; at least one call or line runs.
   * Meanwhile the edge's batch work also keeps to this share of its event loop over time (paced in
   * slices; at least 5 % of it). Alone, a batch takes all of both. 1: no limit. Default: 0.25.
   */
  BATCH_SHARE_BESIDE_INTERACTIVE: fraction(0.25),
  /**
   * Whether batch work has the edge collect its young generation between its slices, at moments no
   * user waits on the edge for a first output, instead of leaving the scavenge to land wherever the
   * young generation fills (often under a chat user's first token). Default: true.
   */
  BATCH_IDLE_SCAVENGE: boolean(true),
  /** How long a unit may go without a sign of life from its edge before another edge runs it. Default: 60 s. */
  BATCH_ACK_WAIT_MS: integer(60_000),
  /**
   * How long the completion window "24h" really lasts, in seconds: lower it only to see expiry in a
   * test. Default: 86400.
   */
  BATCH_COMPLETION_WINDOW_SECONDS: integer(86_400),
  /** How often an edge looks for batches that finished or expired. Default: 1000 ms. */
  BATCH_SWEEP_INTERVAL_MS: integer(1000),
  /** HTTP port. Default: 8080. */
  PORT: integer(8080),
  /** Listen address. Default: 0.0.0.0. */
  HOST: z.preprocess((value) => (value === '' || value === undefined ? '0.0.0.0' : value), z.string()),
  /** Largest request body in bytes (images arrive inline). Default: 25 MiB. */
  BODY_LIMIT_BYTES: integer(25 * 1024 * 1024),
  /** How long a worker has to accept a job before the next one is tried. Default: 2000 ms. */
  ACCEPT_TIMEOUT_MS: integer(2000),
  /** A job stream silent this long (no chunk, no keep-alive) is treated as a dead worker. Default: 5000 ms. */
  STREAM_IDLE_TIMEOUT_MS: integer(5000),
  /**
   * Most jobs one request may fan out to: prompts × `n` on /v1/completions, `n` on chat; beyond it
   * the request is a 400. Default: 128 (OpenAI's own limit on `n`).
   */
  MAX_JOBS_PER_REQUEST: integer(128),
  /** Retry-After sent with 503 when no worker can take a job. Default: 2 s. */
  RETRY_AFTER_SECONDS: integer(2),
  /** Serve without API keys (development only; logged loudly at startup). Default: false. */
  AUTH_DISABLED: boolean(false),
  /** Edge identity in logs and inbox names. Default: random. */
  EDGE_ID: optionalString,
  /** Let vision requests fetch image URLs on loopback/private networks (SSRF risk). Default: false. */
  IMAGE_FETCH_ALLOW_PRIVATE: boolean(false),
  /** Hosts (host or host:port, comma separated) image URLs may be fetched from even if private. Default: none. */
  IMAGE_FETCH_ALLOWED_HOSTS: z.preprocess((value) => (typeof value === 'string' && value.trim() !== '' ? value.split(',').map((host) => host.trim()) : []), z.array(z.string())),
  /**
   * Browser origins allowed to call the API (CORS), comma separated, e.g. `https://chat.example.com`;
   * `*` allows any. Default: none (no CORS headers; browsers refuse cross-origin calls).
   */
  CORS_ORIGINS: z.preprocess((value) => (typeof value === 'string' && value.trim() !== '' ? value.split(',').map((origin) => origin.trim()).filter(Boolean) : []), z.array(z.string())),
  /** Largest image fetched from a URL. Default: 10 MiB. */
  IMAGE_FETCH_MAX_BYTES: integer(10 * 1024 * 1024),
  /** Time allowed to fetch one image URL. Default: 10000 ms. */
  IMAGE_FETCH_TIMEOUT_MS: integer(10_000),
  /**
   * Key of the HMAC that signs the thinking blocks of /v1/messages answers, so a block sent back is
   * known to be ours. Give every edge the same one (at least 32 characters): unset, each edge draws a
   * random key at start, and a block signed by another edge or before a restart is refused. Default: random.
   */
  ANTHROPIC_SIGNATURE_KEY: z.preprocess((value) => (value === '' ? undefined : value), z.string().min(32).optional()),
});
export type EdgeConfig = z.infer<typeof EdgeConfig>;
