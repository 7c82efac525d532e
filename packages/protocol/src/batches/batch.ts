import { z } from 'zod';
import { PROTOCOL_VERSION } from '../version.ts';

/*
 * Batches on the bus. A batch's state is one record in the `batches` KV bucket (every edge mirrors
 * it: listing, progress and cancels need no round trip); its request lines travel as work units on
 * the batch work queue; each unit's results land as one object (or two) in the `batch_parts` object
 * store, which the finalizer concatenates into the output and error files.
 */

/** OpenAI's batch statuses. */
export const BatchStatus = {
  Validating: 'validating',
  Failed: 'failed',
  InProgress: 'in_progress',
  Finalizing: 'finalizing',
  Completed: 'completed',
  Expired: 'expired',
  Cancelling: 'cancelling',
  Cancelled: 'cancelled',
} as const;
export type BatchStatus = (typeof BatchStatus)[keyof typeof BatchStatus];

const TERMINAL: ReadonlySet<BatchStatus> = new Set([BatchStatus.Failed, BatchStatus.Completed, BatchStatus.Expired, BatchStatus.Cancelled]);

export function isTerminalBatchStatus(status: BatchStatus): boolean {
  return TERMINAL.has(status);
}

/** Why a batch stopped dispatching before its lines ran out: the window passed, or a caller cancelled it. */
export const BatchStop = { Expired: 'expired', Cancelled: 'cancelled' } as const;
export type BatchStop = (typeof BatchStop)[keyof typeof BatchStop];

/** OpenAI's `BatchError`: a fault of the input file (line numbers are 1-based) or of the batch. */
export const BatchErrorEntry = z.object({
  code: z.string(),
  message: z.string(),
  param: z.string().nullable(),
  line: z.number().int().nullable(),
});
export type BatchErrorEntry = z.infer<typeof BatchErrorEntry>;

export const BatchRequestCounts = z.object({
  total: z.number().int().nonnegative(),
  completed: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
});
export type BatchRequestCounts = z.infer<typeof BatchRequestCounts>;

export const BatchTokenUsage = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
});
export type BatchTokenUsage = z.infer<typeof BatchTokenUsage>;

const unixSeconds = z.number().int().nonnegative().nullable();

/** One batch as the bus keeps it (the OpenAI Batch object is rendered from it). Times are Unix seconds. */
export const BatchRecord = z.object({
  v: z.literal(PROTOCOL_VERSION),
  id: z.string().min(1),
  /** The key that created it ('' when the edge runs without auth); only that key sees it. */
  keyId: z.string(),
  teamId: z.string().nullable(),
  endpoint: z.string(),
  /** The one model of the input file, once validated. */
  model: z.string().nullable(),
  inputFileId: z.string(),
  completionWindow: z.string(),
  metadata: z.record(z.string(), z.string()).nullable(),
  status: z.enum([
    BatchStatus.Validating,
    BatchStatus.Failed,
    BatchStatus.InProgress,
    BatchStatus.Finalizing,
    BatchStatus.Completed,
    BatchStatus.Expired,
    BatchStatus.Cancelling,
    BatchStatus.Cancelled,
  ]),
  /** Set when dispatching stopped early; the status follows once in-flight work is done. */
  stop: z.enum([BatchStop.Expired, BatchStop.Cancelled]).nullable(),
  createdAt: z.number().int().nonnegative(),
  inProgressAt: unixSeconds,
  expiresAt: z.number().int().nonnegative(),
  finalizingAt: unixSeconds,
  completedAt: unixSeconds,
  failedAt: unixSeconds,
  expiredAt: unixSeconds,
  cancellingAt: unixSeconds,
  cancelledAt: unixSeconds,
  errors: z.array(BatchErrorEntry).nullable(),
  outputFileId: z.string().nullable(),
  errorFileId: z.string().nullable(),
  requestCounts: BatchRequestCounts,
  usage: BatchTokenUsage,
  /** Work units enqueued for it (0 until validated). */
  units: z.number().int().nonnegative(),
  /** Lines whose results are in (done + failed), counted per unit as units finish. */
  unitsDone: z.number().int().nonnegative(),
});
export type BatchRecord = z.infer<typeof BatchRecord>;

/** One request line of an input file, as a work unit carries it. */
export const BatchWorkLine = z.object({
  /** 1-based line number in the input file. */
  line: z.number().int().positive(),
  customId: z.string().min(1),
  body: z.record(z.string(), z.unknown()),
});
export type BatchWorkLine = z.infer<typeof BatchWorkLine>;

/**
 * A contiguous run of a batch's lines: the work queue's message. Units, not single lines, travel so
 * that a 50 000-line batch is a few hundred messages; a unit redelivered after a crash is run again,
 * and its results object (named by batch and unit) makes that idempotent.
 */
export const BatchWorkUnit = z.object({
  v: z.literal(PROTOCOL_VERSION),
  batchId: z.string().min(1),
  unit: z.number().int().nonnegative(),
  lines: z.array(BatchWorkLine).min(1),
});
export type BatchWorkUnit = z.infer<typeof BatchWorkUnit>;

/** Work on a batch as a whole, queued so that any edge may do it and a crash hands it to another. */
export const BatchControlOp = { Validate: 'validate', Finalize: 'finalize' } as const;
export type BatchControlOp = (typeof BatchControlOp)[keyof typeof BatchControlOp];

export const BatchControl = z.object({
  v: z.literal(PROTOCOL_VERSION),
  batchId: z.string().min(1),
  op: z.enum([BatchControlOp.Validate, BatchControlOp.Finalize]),
});
export type BatchControl = z.infer<typeof BatchControl>;

/** What a unit's results object says about it (object-store metadata, strings on the wire). */
export interface BatchPartSummary {
  completed: number;
  failed: number;
  inputTokens: number;
  outputTokens: number;
}

/** What a new batch is created from; everything else starts empty. */
export interface NewBatch {
  id: string;
  keyId: string;
  teamId: string | null;
  endpoint: string;
  inputFileId: string;
  completionWindow: string;
  metadata: Record<string, string> | null;
  /** Unix seconds. */
  createdAt: number;
  expiresAt: number;
}

/** A batch as it is created: `validating`, no line read yet, no time but its creation and expiry. */
export function newBatchRecord(batch: NewBatch): BatchRecord {
  return {
    v: PROTOCOL_VERSION,
    ...batch,
    model: null,
    status: BatchStatus.Validating,
    stop: null,
    inProgressAt: null,
    finalizingAt: null,
    completedAt: null,
    failedAt: null,
    expiredAt: null,
    cancellingAt: null,
    cancelledAt: null,
    errors: null,
    outputFileId: null,
    errorFileId: null,
    requestCounts: { total: 0, completed: 0, failed: 0 },
    usage: { inputTokens: 0, outputTokens: 0 },
    units: 0,
    unitsDone: 0,
  };
}
