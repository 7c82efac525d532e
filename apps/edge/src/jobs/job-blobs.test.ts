import { connectBus } from '@corral/bus';
import { ErrorCode } from '@corral/protocol';
import { uniquePrefix } from '@corral/testkit';
import { describe, expect, it } from 'vitest';
import { storeJobBody } from './job-blobs.ts';
import { JobError } from './job-error.ts';

describe('storeJobBody', () => {
  it('answers a failing object store with a retryable 503 and tells the operator why', async () => {
    const bus = await connectBus({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', name: 'job-blobs-test', prefix: uniquePrefix('jobblobs') });
    // A closed connection stands in for a store that cannot take the body (a full server, a missing bucket).
    await bus.close();
    const warnings: Array<{ fields: Record<string, unknown>; message: string }> = [];
    const logger = { fatal() {}, error() {}, info() {}, debug() {}, trace() {}, warn: (fields: unknown, message?: unknown) => void warnings.push({ fields: fields as Record<string, unknown>, message: String(message) }) };
    const failure = await storeJobBody(bus, { name: 'body-1', bytes: new Uint8Array(16) }, 2, logger).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(JobError);
    expect(failure).toMatchObject({ code: ErrorCode.UpstreamUnavailable, details: { retryAfterSeconds: 2 } });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.fields.err).toBeInstanceOf(Error);
    expect(warnings[0]!.message).toMatch(/object store/);
  });
});
