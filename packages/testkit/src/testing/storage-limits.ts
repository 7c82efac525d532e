/**
 * JetStream caps for the prefixes of tests and benchmarks. A capped stream reserves its cap on the
 * server up front, so the production defaults (5 GiB usage, 1 GiB blobs) would reserve 6 GiB per
 * suite, and a killed run that never deleted its prefix would keep it reserved. These are small
 * enough to cost little, and large enough for the largest payload a test sends.
 */
export const TEST_STORAGE_LIMITS = {
  usageStreamMaxBytes: 32 * 1024 ** 2,
  blobBucketMaxBytes: 128 * 1024 ** 2,
  /** Room for the largest file a test uploads (20 MB) and a few small ones. */
  filesBucketMaxBytes: 64 * 1024 ** 2,
} as const;

/** The same caps as the services' environment. */
export const testStorageEnv: Record<string, string> = {
  USAGE_STREAM_MAX_BYTES: String(TEST_STORAGE_LIMITS.usageStreamMaxBytes),
  BLOB_BUCKET_MAX_BYTES: String(TEST_STORAGE_LIMITS.blobBucketMaxBytes),
  FILES_BUCKET_MAX_BYTES: String(TEST_STORAGE_LIMITS.filesBucketMaxBytes),
};
