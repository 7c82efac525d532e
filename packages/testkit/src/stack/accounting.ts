import { connectBus, decodeWith, deleteBatchStores, deleteBlobBucket, deleteFileStore, deleteKv, deleteUsageStream, encodeJson, type Bus } from '@corral/bus';
import { AccountingReply, PROTOCOL_VERSION, accountingOperations } from '@corral/protocol';

async function withBus<T>(natsUrl: string, prefix: string, use: (bus: Bus) => Promise<T>): Promise<T> {
  const bus = await connectBus({ servers: natsUrl, name: `stack-${prefix}`, prefix });
  try {
    return await use(bus);
  } finally {
    await bus.close();
  }
}

/**
 * Creates an API key through accounting's `keys.create` operation and returns its plaintext.
 * Accounting may still be booting (migrations, KV sync), so an unanswered request is retried until
 * `timeoutMs`.
 */
export async function createApiKey(natsUrl: string, prefix: string, name: string, timeoutMs = 30_000): Promise<string> {
  const { request, result } = accountingOperations['keys.create'];
  const body = encodeJson(request.parse({ v: PROTOCOL_VERSION, name }));
  return withBus(natsUrl, prefix, async (bus) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let data: Uint8Array;
      try {
        data = (await bus.nc.request(bus.subjects.accounting('keys.create'), body, { timeout: 2000 })).data;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`accounting did not answer keys.create within ${timeoutMs} ms: ${String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      }
      const reply = decodeWith(AccountingReply(result), data);
      if (!reply.ok) throw new Error(`keys.create failed: ${reply.error.code}: ${reply.error.message}`);
      return reply.result.plaintext;
    }
  });
}

/** Deletes what a prefix left on the NATS server: the usage stream (and its consumer), the KV buckets, the stores and the batch queues. */
export async function removeBusState(natsUrl: string, prefix: string): Promise<void> {
  await withBus(natsUrl, prefix, async (bus) => {
    await deleteUsageStream(bus);
    await deleteKv(bus, 'keys');
    await deleteKv(bus, 'models');
    await deleteKv(bus, 'teams');
    await deleteBlobBucket(bus);
    await deleteFileStore(bus);
    await deleteBatchStores(bus);
  });
}
