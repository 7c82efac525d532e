import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBus, sendWorkerCommand, WorkerCommandError, type Bus } from './index.ts';

const servers = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/** The client's own failure paths; a real worker's answers are tested in apps/worker. */
describe('sendWorkerCommand without a worker that answers', () => {
  let bus: Bus;
  beforeAll(async () => {
    bus = await connectBus({ servers, name: 'worker-command-test', prefix: `wctest${process.pid}` });
  });
  afterAll(async () => bus.close());

  it('fails at once, naming the prefix, when no worker listens', async () => {
    const error = await sendWorkerCommand(bus, 'ghost', 'drain', { timeoutMs: 60_000 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WorkerCommandError);
    expect(error).toMatchObject({ code: 'unavailable', message: `no worker ghost is listening under prefix wctest${process.pid}; is the id right, and does the worker use the same NATS_URL and CORRAL_PREFIX?` });
  });

  it('says the worker did not answer when it listens but stays silent', async () => {
    // Subscribed but never replying, like a worker stuck in a long synchronous turn.
    const silent = bus.nc.subscribe(bus.subjects.workerCommands('stuck'));
    try {
      await bus.nc.flush();
      await expect(sendWorkerCommand(bus, 'stuck', 'cordon', { timeoutMs: 200 })).rejects.toMatchObject({ code: 'unavailable', message: 'worker stuck did not answer within 200 ms' });
    } finally {
      silent.unsubscribe();
    }
  });

  it('refuses an id that cannot name a worker before sending anything', async () => {
    await expect(sendWorkerCommand(bus, 'two words', 'cordon')).rejects.toMatchObject({ code: 'bad_request', message: 'not a worker id: "two words"' });
  });
});
