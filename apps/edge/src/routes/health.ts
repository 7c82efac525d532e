import type { FastifyInstance } from 'fastify';
import type { EdgeContext } from '../context.ts';

/**
 * Liveness says the process runs; readiness says it can serve: NATS connected and some worker that
 * takes jobs (not draining, not cordoned, its Ollama answering). Workers heard from that cannot serve now are
 * counted apart, so an operator can tell "no workers" from "workers whose Ollama is down".
 */
export function registerHealthRoutes(app: FastifyInstance, context: EdgeContext): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    // While the client reconnects the connection is neither closed nor draining, yet nothing gets through.
    const natsConnected = context.bus.isConnected() && !context.bus.nc.isDraining();
    const fleet = context.fleet.all();
    const workers = fleet.filter(({ heartbeat }) => !heartbeat.draining && heartbeat.cordoned !== true && heartbeat.upstreamHealthy).length;
    const ready = natsConnected && workers > 0;
    return reply
      .code(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : 'not_ready', nats: natsConnected ? 'connected' : 'disconnected', workers, unavailableWorkers: fleet.length - workers });
  });
}
