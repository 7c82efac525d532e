export { connectBus, type Bus, type BusOptions, type SubscribeOptions } from './bus.ts';
export { decodeWith, encodeJson, encodeText } from './codec.ts';
export { InboxMux } from './inbox-mux.ts';
export type { Msg, NatsConnection, Subscription } from '@nats-io/nats-core';
export { ensureUsageStream, ensureUsageConsumer, openUsagePuller, deleteUsageStream, publishUsage, publishUsageEvents, usageStreamState, USAGE_STREAM_DEFAULTS, type UsageStreamState, type UsagePuller, type UsageStreamLimits, type UsageConsumerOptions, type PublishUsageResult, type PublishUsageEventsResult, type PublishUsageOptions } from './jetstream.ts';
export { openKv, deleteKv, watchKv, mirrorKv, type KvMirror, type KvBucket, type KvBucketName, type KvWatch, type WatchKvHandlers } from './kv.ts';
export type { JsMsg } from '@nats-io/jetstream';
export { callAccounting, AccountingCallError } from './accounting-client.ts';
export { sendWorkerCommand, WorkerCommandError, type SendWorkerCommandOptions } from './worker-command-client.ts';
export { putBlob, readBlob, takeBlob, deleteBlob, listBlobs, deleteBlobBucket, ensureBlobBucket, configureBlobBucket, maxInlinePayload, BlobError, BlobFailure, BLOB_DEFAULTS, type BlobBucketOptions } from './blobs.ts';
export { putFileContent, completeFile, fileInfo, listFiles, readFileContent, deleteFile, deleteFileStore, configureFileStore, FileStoreError, FileStoreFailure, FILE_STORE_DEFAULTS, type FileStoreOptions, type StoredFile, type StoredFileMeta } from './files.ts';
export { StorageReservationError, STORAGE_RESOURCES_EXCEEDED } from './storage.ts';
export { retryBackoff } from './retry.ts';
export {
  ensureBatchQueues,
  createBatchRecord,
  getBatchRecord,
  updateBatchRecord,
  deleteBatchRecord,
  listBatchRecords,
  enqueueBatchUnit,
  enqueueBatchControl,
  hasPendingBatchUnits,
  openBatchWorkPuller,
  openBatchControlPuller,
  putBatchPart,
  hasBatchPart,
  listBatchParts,
  readBatchPart,
  deleteBatchParts,
  deleteBatchStores,
  cancelBatch,
  type BatchQueueOptions,
  type BatchPuller,
  type BatchPartKind,
  type BatchPartEntry,
} from './batches.ts';
