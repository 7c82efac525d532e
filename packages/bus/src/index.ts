export { connectBus, type Bus, type BusOptions, type SubscribeOptions } from './bus.ts';
export { decodeWith, encodeJson, encodeText } from './codec.ts';
export { InboxMux } from './inbox-mux.ts';
export type { Msg, NatsConnection, Subscription } from '@nats-io/nats-core';
export { ensureUsageStream, ensureUsageConsumer, openUsagePuller, deleteUsageStream, publishUsage, usageStreamState, type UsageStreamState, type UsagePuller, type UsageStreamLimits, type UsageConsumerOptions, type PublishUsageResult, type PublishUsageOptions } from './jetstream.ts';
export { openKv, deleteKv, watchKv, mirrorKv, type KvMirror, type KvBucket, type KvBucketName, type KvWatch, type WatchKvHandlers } from './kv.ts';
export type { JsMsg } from '@nats-io/jetstream';
export { callAccounting, AccountingCallError } from './accounting-client.ts';
export { putBlob, readBlob, takeBlob, deleteBlob, listBlobs, deleteBlobBucket, ensureBlobBucket, maxInlinePayload, BlobError, BlobFailure, BLOB_DEFAULTS, type BlobBucketOptions } from './blobs.ts';
