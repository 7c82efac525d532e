import type { BatchRecord, BatchStatus } from '@corral/protocol';
import { notFound, type OpenAIError } from '../errors.ts';
import { createId, IdAlphabet, IdPrefix } from '../ids.ts';
import { excerpt } from '../shared/excerpt.ts';

/** OpenAI's `BatchError`, as the Batch object lists it. */
export interface OpenAIBatchError {
  code: string;
  message: string;
  param: string | null;
  line: number | null;
}

/**
 * OpenAI's `Batch`. The document types the file ids and timestamps as plain strings and integers,
 * but OpenAI answers (and its own examples show) null for those not reached yet; so does this.
 */
export interface OpenAIBatch {
  id: string;
  object: 'batch';
  endpoint: string;
  /** Absent until the input file is validated: it is the file's one model. */
  model?: string;
  errors: { object: 'list'; data: OpenAIBatchError[] } | null;
  input_file_id: string;
  completion_window: string;
  status: BatchStatus;
  output_file_id: string | null;
  error_file_id: string | null;
  created_at: number;
  in_progress_at: number | null;
  expires_at: number;
  finalizing_at: number | null;
  completed_at: number | null;
  failed_at: number | null;
  expired_at: number | null;
  cancelling_at: number | null;
  cancelled_at: number | null;
  request_counts: { total: number; completed: number; failed: number };
  usage: {
    input_tokens: number;
    input_tokens_details: { cached_tokens: number };
    output_tokens: number;
    output_tokens_details: { reasoning_tokens: number };
    total_tokens: number;
  };
  metadata: Record<string, string> | null;
}

/** `batch_` and 24 lower-case letters and digits, like OpenAI's; also safe as a NATS subject token. */
export function createBatchId(): string {
  return createId(IdPrefix.batch, 24, IdAlphabet.lowerCase);
}

/** Renders the bus record as OpenAI's Batch object, fields in OpenAI's order. */
export function toOpenAIBatch(record: BatchRecord): OpenAIBatch {
  return {
    id: record.id,
    object: 'batch',
    endpoint: record.endpoint,
    ...(record.model !== null ? { model: record.model } : {}),
    // No errors and an empty list mean the same; OpenAI answers null.
    errors: record.errors === null || record.errors.length === 0 ? null : { object: 'list', data: record.errors.map(({ code, message, param, line }) => ({ code, message, param, line })) },
    input_file_id: record.inputFileId,
    completion_window: record.completionWindow,
    status: record.status,
    output_file_id: record.outputFileId,
    error_file_id: record.errorFileId,
    created_at: record.createdAt,
    in_progress_at: record.inProgressAt,
    expires_at: record.expiresAt,
    finalizing_at: record.finalizingAt,
    completed_at: record.completedAt,
    failed_at: record.failedAt,
    expired_at: record.expiredAt,
    cancelling_at: record.cancellingAt,
    cancelled_at: record.cancelledAt,
    request_counts: { total: record.requestCounts.total, completed: record.requestCounts.completed, failed: record.requestCounts.failed },
    usage: {
      input_tokens: record.usage.inputTokens,
      // The record keeps no cached or reasoning tokens apart from the totals (Ollama reports neither).
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: record.usage.outputTokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: record.usage.inputTokens + record.usage.outputTokens,
    },
    metadata: record.metadata === null ? null : { ...record.metadata },
  };
}

/** OpenAI's answer for a missing batch, and for another key's: the two are indistinguishable. */
export function batchNotFound(id: string): OpenAIError {
  return { ...notFound(`No such Batch object: ${excerpt(id)}`, 'id'), code: null };
}
