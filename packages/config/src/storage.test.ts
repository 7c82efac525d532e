import { describe, expect, it } from 'vitest';
import { AccountingConfig } from './accounting.ts';
import { EdgeConfig } from './edge.ts';
import { parseEnv } from './parse.ts';
import { WorkerConfig } from './worker.ts';

describe('JetStream storage settings', () => {
  it('default to the documented caps, and take 0 for no cap', () => {
    expect(parseEnv(AccountingConfig, {}).USAGE_STREAM_MAX_BYTES).toBe(5 * 1024 ** 3);
    expect(parseEnv(AccountingConfig, { USAGE_STREAM_MAX_BYTES: '0' }).USAGE_STREAM_MAX_BYTES).toBe(0);
    for (const schema of [EdgeConfig, WorkerConfig]) {
      expect(parseEnv(schema, {}).BLOB_BUCKET_MAX_BYTES).toBe(1024 ** 3);
      expect(parseEnv(schema, { BLOB_BUCKET_MAX_BYTES: '67108864' }).BLOB_BUCKET_MAX_BYTES).toBe(64 * 1024 ** 2);
    }
  });

  it('refuse a value that is not a whole number of bytes, naming the setting', () => {
    expect(() => parseEnv(AccountingConfig, { USAGE_STREAM_MAX_BYTES: '5GiB' })).toThrow(/USAGE_STREAM_MAX_BYTES/);
    expect(() => parseEnv(WorkerConfig, { BLOB_BUCKET_MAX_BYTES: '-1' })).toThrow(/BLOB_BUCKET_MAX_BYTES/);
  });
});
