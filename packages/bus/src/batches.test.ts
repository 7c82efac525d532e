import { newBatchRecord, type BatchRecord } from '@corral/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBatchRecord, deleteBatchRecord, deleteBatchStores, listBatchRecords, updateBatchRecord } from './batches.ts';
import { connectBus, type Bus } from './bus.ts';

const servers = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const prefix = `bl${process.pid}${Math.random().toString(36).slice(2, 8)}`;
const RECORDS = 60;

function record(index: number): BatchRecord {
  return newBatchRecord({
    id: `batch_list${String(index).padStart(4, '0')}`,
    keyId: 'key-1',
    teamId: null,
    endpoint: '/v1/embeddings',
    inputFileId: 'file-input',
    completionWindow: '24h',
    metadata: null,
    createdAt: 1_700_000_000 + index,
    expiresAt: 1_700_086_400 + index,
  });
}

describe('listBatchRecords on a real NATS server', () => {
  let bus: Bus;
  beforeAll(async () => {
    bus = await connectBus({ servers, name: 'batch-list-test', prefix });
    for (let index = 0; index < RECORDS; index++) await createBatchRecord(bus, record(index));
  });
  afterAll(async () => {
    await deleteBatchStores(bus);
    await bus.close();
  });

  it('lists each batch once, as last written, when batches are written during the listing', async () => {
    for (let round = 1; round <= 5; round++) {
      const writes = Promise.all(
        Array.from({ length: RECORDS }, (_, index) => updateBatchRecord(bus, record(index).id, (current) => ({ ...current, metadata: { round: String(round) } }))),
      );
      const [listed] = await Promise.all([listBatchRecords(bus), writes]);
      const ids = listed.map((found) => found.id);
      expect(ids).toHaveLength(RECORDS);
      expect(new Set(ids).size).toBe(RECORDS);
    }
    const settled = await listBatchRecords(bus);
    expect(settled.map((found) => found.metadata?.round)).toEqual(Array.from({ length: RECORDS }, () => '5'));
  });

  it('leaves out a deleted batch', async () => {
    await deleteBatchRecord(bus, record(0).id);
    const ids = (await listBatchRecords(bus)).map((found) => found.id);
    expect(ids).toHaveLength(RECORDS - 1);
    expect(ids).not.toContain(record(0).id);
  });
});
