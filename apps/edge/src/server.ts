import { createLogger } from '@corral/log';
import { configureBlobBucket, configureFileStore, connectBus } from '@corral/bus';
import type { EdgeConfig } from '@corral/config';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { EdgeContext } from './context.ts';
import { FleetTable } from './fleet/fleet-table.ts';
import { errorDialects } from './dialects/index.ts';
import { clientErrorAnswerer, installExpectationHandling } from './http/connection-errors.ts';
import { installCors } from './http/cors.ts';
import { installErrorHandling } from './http/error-handler.ts';
import { installRequestDecoding } from './http/request-encoding.ts';
import { installRequestId, newRequestId } from './http/request-id.ts';
import { routingErrorAnswerer } from './http/routing-errors.ts';
import { installShutdownRefusal } from './http/shutdown.ts';
import { createKeyTable } from './auth/key-table.ts';
import { openBatchTable, startBatchRunners } from './batches/batch-work.ts';
import { createTeamTable } from './auth/team-table.ts';
import { Dispatcher } from './jobs/dispatcher.ts';
import { createModelTable } from './model-config/model-table.ts';
import { InteractiveLoad } from './pipeline/interactive-load.ts';
import { RateLimiter } from './pipeline/rate-limiter.ts';
import { registerRoutes } from './routes/index.ts';
import { createUsagePublisher } from './usage/publisher.ts';

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
  const bus = await connectBus({ servers: config.NATS_URL, name: edgeId, prefix: config.CORRAL_PREFIX, ownerId: edgeId });
  configureBlobBucket(bus, { maxBucketBytes: config.BLOB_BUCKET_MAX_BYTES });
  configureFileStore(bus, { maxBucketBytes: config.FILES_BUCKET_MAX_BYTES });
  const fleet = new FleetTable();
  fleet.start(bus);
  const dispatcher = new Dispatcher(bus, fleet, {
    acceptTimeoutMs: config.ACCEPT_TIMEOUT_MS,
    idleTimeoutMs: config.STREAM_IDLE_TIMEOUT_MS,
    retryAfterSeconds: config.RETRY_AFTER_SECONDS,
    logger: app.log,
  });
  const keys = config.AUTH_DISABLED ? undefined : createKeyTable(bus, { onInvalid: (hash) => app.log.warn({ hash: hash.slice(0, 8) }, 'ignored an invalid key record') });
  const teams = config.AUTH_DISABLED ? undefined : createTeamTable(bus, { onInvalid: (id) => app.log.warn({ teamId: id }, 'ignored an invalid team record') });
  const models = createModelTable(bus, { onInvalid: (key) => app.log.warn({ key }, 'ignored an invalid model config') });
  const usage = createUsagePublisher(bus, { logger: app.log });
  // Serve only once the replicated configuration is in memory, so no valid key is refused at boot.
  await Promise.all([keys?.ready, teams?.ready, models.ready]);
  const batches = await openBatchTable({ bus, config, logger: app.log });
  const context: EdgeContext = { config, bus, fleet, dispatcher, keys, teams, models, batches, usage, limits: new RateLimiter(), interactive: new InteractiveLoad(config.BATCH_YIELD_UTILIZATION), logger: app.log };
  const batchRunners = startBatchRunners(context, usage);

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
      await batchRunners.stop();
      batches.close();
      fleet.stop();
      await usage.flush(5000);
      keys?.close();
      teams?.close();
      models.close();
      await bus.drain();
    },
  };
}
