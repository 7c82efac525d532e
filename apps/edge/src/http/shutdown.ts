import type { FastifyInstance } from 'fastify';
import type { ErrorDialects } from '../errors/error-dialects.ts';
import { FailureKind, HttpError } from '../errors/http-error.ts';
import { sendHttpError } from './error-handler.ts';

/** Long enough for a load balancer to notice this edge is gone and send the retry elsewhere. */
const RETRY_AFTER_SECONDS = 1;

/**
 * A request that arrives on an open connection while the server closes is refused in its path's error
 * format, with a request id, `Retry-After` and `Connection: close`, so an SDK retries it on a fresh
 * connection (reaching another edge). fastify's own refusal (`return503OnClosing`) has a body no SDK
 * reads as an error object; the server turns it off for this one.
 */
export function installShutdownRefusal(app: FastifyInstance, dialects: ErrorDialects): void {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', (_request, reply, done) => {
    if (!closing) {
      done();
      return;
    }
    reply.header('connection', 'close');
    void sendHttpError(reply, new HttpError(503, FailureKind.Unavailable, 'This server is shutting down; retry the request.', { code: 'shutting_down', retryAfterSeconds: RETRY_AFTER_SECONDS }), dialects);
  });
}
