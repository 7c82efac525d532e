import { cancelBatch, createBatchRecord, enqueueBatchControl, fileInfo, FileStoreError, getBatchRecord } from '@corral/bus';
import { batchNotFound, createBatchId, fileNotFound, listBatchPage, parseBatchListQuery, parseCreateBatchRequest, toOpenAIBatch, type OpenAIBatch } from '@corral/openai';
import { BatchControlOp, isTerminalBatchStatus, newBatchRecord, type BatchRecord } from '@corral/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EdgeContext } from '../../context.ts';
import { fromOpenAIError, unwrap } from '../../dialects/openai/errors.ts';
import { FailureKind, HttpError } from '../../errors/http-error.ts';
import { identifyCaller, type Caller } from '../../pipeline/access.ts';

const ENDPOINT = '/v1/batches';

/**
 * OpenAI's Batch API. A batch belongs to the key that created it (any other key gets the same 404
 * as a missing id) and runs as that key: its lines are charged to it and its team, within its model
 * access and budget. Creating one stores its record and queues its validation; any edge's runners
 * take it from there (see ../../batches).
 */
export function registerBatchRoutes(app: FastifyInstance, context: EdgeContext): void {
  app.post(ENDPOINT, (request) => createBatch(context, request));
  app.get(ENDPOINT, (request) => listOwnBatches(context, request));
  app.get(`${ENDPOINT}/:id`, async (request) => toOpenAIBatch(await ownBatch(context, request)));
  app.post(`${ENDPOINT}/:id/cancel`, (request) => cancelOwnBatch(context, request));
}

function keyIdOf(caller: Caller): string {
  return caller.key?.id ?? '';
}

/** The bus's outages are a 503 the client may retry, never a 500. */
async function busCall<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof HttpError) throw error;
    if (error instanceof FileStoreError || error instanceof Error) {
      throw new HttpError(503, FailureKind.Unavailable, 'The batch store is unavailable; try again shortly.', { code: 'service_unavailable', retryAfterSeconds: 2 });
    }
    throw error;
  }
}

async function createBatch(context: EdgeContext, request: FastifyRequest): Promise<OpenAIBatch> {
  const caller = identifyCaller(context, request.headers);
  const keyId = keyIdOf(caller);
  const create = unwrap(parseCreateBatchRequest(request.body));
  const file = await busCall(() => fileInfo(context.bus, create.inputFileId));
  if (!file || file.ownerKeyId !== keyId) throw fromOpenAIError({ ...fileNotFound(create.inputFileId), param: 'input_file_id' });
  if (file.purpose !== 'batch') {
    throw new HttpError(400, FailureKind.InvalidRequest, `The file '${file.id}' was uploaded with purpose '${file.purpose}'; a batch needs a file uploaded with purpose 'batch'.`, {
      code: 'invalid_request_error',
      param: 'input_file_id',
    });
  }
  const createdAt = Math.floor(Date.now() / 1000);
  const record = newBatchRecord({
    id: createBatchId(),
    keyId,
    teamId: caller.team?.id ?? null,
    endpoint: create.endpoint,
    inputFileId: file.id,
    completionWindow: create.completionWindow,
    metadata: create.metadata,
    createdAt,
    expiresAt: createdAt + context.config.BATCH_COMPLETION_WINDOW_SECONDS,
  });

  await busCall(async () => {
    await createBatchRecord(context.bus, record);
    await enqueueBatchControl(context.bus, record.id, BatchControlOp.Validate);
  });
  context.batches.remember(record);
  context.logger.info({ batchId: record.id, endpoint: record.endpoint, inputFileId: record.inputFileId }, 'batch created');
  return toOpenAIBatch(record);
}

async function listOwnBatches(context: EdgeContext, request: FastifyRequest): Promise<unknown> {
  const keyId = keyIdOf(identifyCaller(context, request.headers, { spending: false }));
  const query = unwrap(parseBatchListQuery(request.query as Record<string, unknown>));
  return listBatchPage(context.batches.ofKey(keyId), query);
}

/** The caller's batch; a missing id and another key's batch are the same 404. */
async function ownBatch(context: EdgeContext, request: FastifyRequest): Promise<BatchRecord> {
  // A key whose budget is spent still follows, cancels and downloads its batches.
  const keyId = keyIdOf(identifyCaller(context, request.headers, { spending: false }));
  const id = (request.params as { id: string }).id;
  // A batch created on another edge a moment ago may not have reached this edge's table yet.
  const batch = context.batches.get(id) ?? (await busCall(() => getBatchRecord(context.bus, id)));
  if (!batch || batch.keyId !== keyId) throw fromOpenAIError(batchNotFound(id));
  return batch;
}

async function cancelOwnBatch(context: EdgeContext, request: FastifyRequest): Promise<OpenAIBatch> {
  const batch = await ownBatch(context, request);
  if (isTerminalBatchStatus(batch.status) && batch.status !== 'cancelled') {
    throw new HttpError(409, FailureKind.InvalidRequest, `Cannot cancel a batch with status '${batch.status}'.`, { code: 'batch_not_cancellable' });
  }
  const cancelled = await busCall(() => cancelBatch(context.bus, batch.id));
  if (!cancelled) throw fromOpenAIError(batchNotFound(batch.id));
  context.batches.remember(cancelled);
  context.logger.info({ batchId: batch.id }, 'batch cancel requested');
  return toOpenAIBatch(cancelled);
}
