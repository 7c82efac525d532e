/**
 * Fewest inputs worth a job of their own. Ollama embeds a whole batch in one pass, so a part
 * smaller than this costs more in per-job overhead (a NATS round trip, a worker slot, possibly a
 * cold load on another host) than it saves by running in parallel.
 */
export const MIN_INPUTS_PER_PART = 8;

/**
 * Bytes one vector value takes in the worker's JSON reply: a float32 printed shortest is at most
 * 15 characters (`-1.2345678e-05`) plus its comma.
 */
const BYTES_PER_VALUE = 16;

/** Share of NATS's max_payload a part's reply (or job) may fill; the rest is the envelope and slack. */
const PAYLOAD_BUDGET = 0.75;

export interface EmbeddingBatch {
  inputCount: number;
  /** Characters of all inputs together (they travel to the worker in the job). */
  inputCharacters: number;
  /** Workers that can serve the model now (`routeModel` candidates). */
  candidateWorkers: number;
  /** Values per vector, known or assumed (see EmbeddingWidths). */
  vectorWidth: number;
  /** The NATS server's max_payload: a reply above it is never delivered. */
  maxPayloadBytes: number;
}

/**
 * How many jobs an embeddings batch becomes. Parallelism: one part per worker that can serve the
 * model now (more would only queue behind the same GPU), but no part smaller than
 * `MIN_INPUTS_PER_PART`. Size: every part's job and reply must fit in one NATS message, so a batch
 * whose vectors would not fit is cut further, whatever the number of workers.
 */
export function embeddingPartCount(batch: EmbeddingBatch): number {
  const forParallelism = Math.min(batch.candidateWorkers, Math.floor(batch.inputCount / MIN_INPUTS_PER_PART));
  const budget = batch.maxPayloadBytes * PAYLOAD_BUDGET;
  const inputsPerReply = Math.max(1, Math.floor(budget / (Math.max(1, batch.vectorWidth) * BYTES_PER_VALUE)));
  const forReplySize = Math.ceil(batch.inputCount / inputsPerReply);
  // Inputs are near-equal by count, not by length (and JSON escapes some characters): twice the average.
  const forJobSize = Math.ceil((2 * batch.inputCharacters) / budget);
  return Math.min(batch.inputCount, Math.max(1, forParallelism, forReplySize, forJobSize));
}
