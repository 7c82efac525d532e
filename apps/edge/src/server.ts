import { createLogger } from '@corral/log';
import type { EdgeConfig } from '@corral/config';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { EdgeContext } from './context.ts';
import { errorDialects } from './dialects/index.ts';
import { clientErrorAnswerer, installExpectationHandling } from './http/connection-errors.ts';
import { installCors } from './http/cors.ts';
import { installErrorHandling } from './http/error-handler.ts';
import { installRequestDecoding } from './http/request-encoding.ts';
import { installRequestId, newRequestId } from './http/request-id.ts';
import { routingErrorAnswerer } from './http/routing-errors.ts';
import { installShutdownRefusal } from './http/shutdown.ts';
import { registerRoutes } from './routes/index.ts';
import { openEdgeServices } from './services.ts';
import type { BatchThreadData } from './batches/batch-thread.ts';
import { startBatchThread } from './batches/batch-thread-host.ts';

export interface RunningEdge {
  readonly app: FastifyInstance;
  readonly context: EdgeContext;
  /** e.g. http://127.0.0.1:8080 */
  readonly url: string;
  close(): Promise<void>;
}

export async function startEdge(config: EdgeConfig): Promise<RunningEdge> {
  const edgeId = config.EDGE_ID ?? `edge${randomUUID().replaceAll('-', '').slice(0, 10)}`;
  // Errors no route answers (unknown URLs, refused bodies, shutdown) render in the dialect of their path.
  const dialects = errorDialects();
  const app = Fastify({
    // The one logger factory every service uses; typed as fastify's base logger so handlers take a plain FastifyInstance.
    loggerInstance: createLogger({ service: 'edge', level: config.LOG_LEVEL }) as FastifyBaseLogger,
    bodyLimit: config.BODY_LIMIT_BYTES,
    // One log line per request would cost more than the rest of the gateway's work on a token stream.
    logController: new LogController({ disableRequestLogging: true }),
    // One id per request, assigned before routing: the x-request-id of every answer and the usage row's id.
    genReqId: newRequestId,
    requestIdHeader: false,
    frameworkErrors: routingErrorAnswerer(dialects),
    clientErrorHandler: clientErrorAnswerer(dialects),
    // Requests that arrive while closing are refused by installShutdownRefusal, in their dialect's format.
    return503OnClosing: false,
    // Clients that join a base URL ending in '/' with a path starting with '/' still reach the route.
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true },
  });
  const services = await openEdgeServices(config, { busName: edgeId, logger: app.log });
  const { context } = services;
  const { keys, teams, models } = context;
  const batchThread = config.BATCH_RUNNER
    ? startBatchThread({
        entry: new URL('./batches/batch-thread.ts', import.meta.url),
        workerData: { config, busName: `${edgeId}-batches`, interactive: context.interactive.shared } satisfies BatchThreadData,
        logger: app.log,
      })
    : undefined;

  // No OpenAI DELETE takes a body: SDKs that send `Content-Type: application/json` with an empty one are not refused.
  app.addHttpMethod('DELETE', { hasBody: false, overrideExisting: true });
  // File uploads have their own cap (FILES_MAX_BYTES, plus the form's own framing), not the JSON body limit.
  installExpectationHandling(app.server, dialects, (request) =>
    request.method === 'POST' && /^\/+v1\/files\/*(\?|$)/.test(request.url ?? '') ? config.FILES_MAX_BYTES + 1024 * 1024 : config.BODY_LIMIT_BYTES,
  );
  installRequestId(app);
  installShutdownRefusal(app, dialects);
  installErrorHandling(app, dialects);
  installCors(app, { origins: config.CORS_ORIGINS });
  installRequestDecoding(app);
  registerRoutes(app, context);

  const address = await app.listen({ port: config.PORT, host: config.HOST });
  const url = address.replace('0.0.0.0', '127.0.0.1').replace('[::]', '127.0.0.1');
  if (config.AUTH_DISABLED) app.log.warn({ edgeId, url }, 'edge is running UNAUTHENTICATED (AUTH_DISABLED): every request is accepted without an API key');
  else app.log.info({ edgeId, url, keys: keys?.size(), teams: teams?.size(), aliases: models.size() }, 'edge is running');

  return {
    app,
    context,
    url,
    async close() {
      await app.close();
      await batchThread?.stop();
      await services.close();
    },
  };
}
