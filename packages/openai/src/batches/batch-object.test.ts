import { describe, expect, it } from 'vitest';
import { BatchStatus } from '@corral/protocol';
import { renderOpenAIError } from '../errors.ts';
import { assertOpenAPI } from '../testing/index.ts';
import { batchNotFound, createBatchId, toOpenAIBatch, type OpenAIBatch } from './batch-object.ts';
import { batchRecord, RECORD_IN_STATUS } from './fixtures/batch-records.ts';
import { DOCUMENTED_BATCH } from './fixtures/documented-batches.ts';

/**
 * OpenAI's document types the file ids, timestamps and `errors` of a Batch as never null, while its
 * own examples (and the API) answer null for those not reached: the schema check leaves them out.
 */
function assertBatchSchema(batch: OpenAIBatch): void {
  assertOpenAPI('Batch', Object.fromEntries(Object.entries(batch).filter(([, value]) => value !== null)));
}

const NULLABLE = ['errors', 'output_file_id', 'error_file_id', 'in_progress_at', 'finalizing_at', 'completed_at', 'failed_at', 'expired_at', 'cancelling_at', 'cancelled_at', 'metadata'] as const;

describe('toOpenAIBatch', () => {
  it('renders every field of OpenAI’s Batch object, in its order', () => {
    const batch = toOpenAIBatch(RECORD_IN_STATUS.completed);
    expect(Object.keys(batch)).toEqual(Object.keys(DOCUMENTED_BATCH));
    expect(batch).toEqual({
      id: 'batch_0000000000000000000000aa',
      object: 'batch',
      endpoint: '/v1/chat/completions',
      model: 'llama3.2',
      errors: null,
      input_file_id: 'file-input',
      completion_window: '24h',
      status: 'completed',
      output_file_id: 'file-output',
      error_file_id: 'file-errors',
      created_at: 1_700_000_000,
      in_progress_at: 1_700_000_001,
      expires_at: 1_700_086_400,
      finalizing_at: 1_700_000_050,
      completed_at: 1_700_000_060,
      failed_at: null,
      expired_at: null,
      cancelling_at: null,
      cancelled_at: null,
      request_counts: { total: 3, completed: 2, failed: 1 },
      usage: { input_tokens: 30, input_tokens_details: { cached_tokens: 0 }, output_tokens: 12, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 42 },
      metadata: null,
    });
    assertBatchSchema(batch);
  });

  const reached: Record<BatchStatus, { notNull: string[]; model: boolean }> = {
    validating: { notNull: [], model: false },
    failed: { notNull: ['errors', 'failed_at'], model: false },
    in_progress: { notNull: ['in_progress_at'], model: true },
    finalizing: { notNull: ['in_progress_at', 'finalizing_at'], model: true },
    completed: { notNull: ['output_file_id', 'error_file_id', 'in_progress_at', 'finalizing_at', 'completed_at'], model: true },
    expired: { notNull: ['output_file_id', 'error_file_id', 'in_progress_at', 'finalizing_at', 'expired_at'], model: true },
    cancelling: { notNull: ['in_progress_at', 'cancelling_at'], model: true },
    cancelled: { notNull: ['output_file_id', 'in_progress_at', 'finalizing_at', 'cancelling_at', 'cancelled_at'], model: true },
  };

  it.each(Object.values(BatchStatus))('renders a %s batch with null for what it has not reached', (status) => {
    const record = RECORD_IN_STATUS[status];
    const batch = toOpenAIBatch(record);
    expect(batch.status).toBe(status);
    expect(NULLABLE.filter((field) => batch[field] !== null)).toEqual(reached[status].notNull);
    expect('model' in batch).toBe(reached[status].model);
    expect(batch.expires_at).toBe(record.expiresAt);
    // Each timestamp comes from its own field of the record.
    expect([batch.in_progress_at, batch.finalizing_at, batch.completed_at, batch.failed_at, batch.expired_at, batch.cancelling_at, batch.cancelled_at]).toEqual([
      record.inProgressAt,
      record.finalizingAt,
      record.completedAt,
      record.failedAt,
      record.expiredAt,
      record.cancellingAt,
      record.cancelledAt,
    ]);
    assertBatchSchema(batch);
  });

  it('lists the errors of a failed batch as OpenAI’s BatchError list', () => {
    const batch = toOpenAIBatch(RECORD_IN_STATUS.failed);
    expect(batch.errors).toEqual({ object: 'list', data: [{ code: 'invalid_url', message: 'The url of this request must be one of …', param: 'url', line: 2 }] });
    expect(toOpenAIBatch(batchRecord({ errors: [] })).errors).toBeNull();
  });

  it('returns the metadata as given, and a copy of it', () => {
    const record = batchRecord({ metadata: { customer_id: 'user_123456789' } });
    const batch = toOpenAIBatch(record);
    expect(batch.metadata).toEqual({ customer_id: 'user_123456789' });
    expect(batch.metadata).not.toBe(record.metadata);
    assertBatchSchema(batch);
  });
});

describe('batch ids and errors', () => {
  it('makes ids of batch_ and 24 lower-case letters and digits, never twice the same', () => {
    const ids = Array.from({ length: 200 }, createBatchId);
    for (const id of ids) expect(id).toMatch(/^batch_[a-z0-9]{24}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('answers an unknown batch with OpenAI’s 404', () => {
    const error = batchNotFound('batch_missing');
    expect(error).toEqual({ status: 404, message: 'No such Batch object: batch_missing', type: 'invalid_request_error', param: 'id', code: null });
    assertOpenAPI('ErrorResponse', renderOpenAIError(error));
  });
});
