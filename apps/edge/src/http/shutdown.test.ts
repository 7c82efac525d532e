import Fastify from 'fastify';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { errorDialects } from '../dialects/index.ts';
import { installErrorHandling } from './error-handler.ts';
import { installRequestId, newRequestId } from './request-id.ts';
import { installShutdownRefusal } from './shutdown.ts';

describe('a request that arrives while the server closes', () => {
  it('is refused with a 503 in OpenAI’s error format, a request id and Retry-After', async () => {
    const app = Fastify({ genReqId: newRequestId, return503OnClosing: false });
    installRequestId(app);
    const dialects = errorDialects();
    installShutdownRefusal(app, dialects);
    installErrorHandling(app, dialects);
    let release = () => undefined as void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let arrived = () => undefined as void;
    const slowArrived = new Promise<void>((resolve) => (arrived = resolve));
    app.get('/slow', async () => {
      arrived();
      await held;
      return { ok: true };
    });
    app.get('/v1/models', async () => ({ object: 'list', data: [] }));
    let closing = () => undefined as void;
    const closeBegan = new Promise<void>((resolve) => (closing = resolve));
    app.addHook('preClose', (done) => {
      closing();
      done();
    });
    const address = new URL(await app.listen({ port: 0, host: '127.0.0.1' }));

    // The connection is busy with the first request, so closing keeps it open; the second arrives on it
    // once the server is closing.
    const socket = connect(Number(address.port), address.hostname);
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(`GET /slow HTTP/1.1\r\nhost: ${address.host}\r\n\r\n`);
    await slowArrived;
    const closed = app.close();
    await closeBegan;
    socket.write(`GET /v1/models HTTP/1.1\r\nhost: ${address.host}\r\n\r\n`);
    // Answer the first request only once the second has been read, so its answer can follow.
    await new Promise<void>((resolve) => app.server.once('request', () => resolve()));
    release();
    await ended;
    await closed;

    const [first, second] = received.split(/(?=HTTP\/1\.1 )/);
    expect(first).toMatch(/^HTTP\/1\.1 200/);
    expect(second).toMatch(/^HTTP\/1\.1 503/);
    expect(second).toMatch(/\r\nx-request-id: [0-9a-f-]{36}\r\n/i);
    expect(second).toMatch(/\r\nretry-after: 1\r\n/i);
    expect(second).toMatch(/\r\nconnection: close\r\n/i);
    expect(JSON.parse(second!.slice(second!.indexOf('\r\n\r\n') + 4))).toEqual({
      error: { message: 'This server is shutting down; retry the request.', type: 'server_error', param: null, code: 'shutting_down' },
    });
  });
});
