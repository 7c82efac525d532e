import { fleetPs, fleetTags, fleetVersion, normalizeModelName, type HostModel } from '@corral/ollama';
import type { FastifyInstance } from 'fastify';
import type { EdgeContext } from '../../context.ts';
import { identifyCaller } from '../../pipeline/access.ts';

/**
 * What `GET /api/version` says while no worker has reported its Ollama's version: a release recent
 * enough that clients enable what Corral serves (thinking, tools, `/api/embed`), not one a host runs.
 */
export const UNKNOWN_FLEET_VERSION = '0.12.0';

/** Every model of every live worker that takes jobs, as its heartbeat reports it. */
function fleetModels(context: EdgeContext): HostModel[] {
  return context.fleet
    .all()
    .filter((worker) => !worker.heartbeat.draining)
    .flatMap((worker) => worker.heartbeat.models);
}

/**
 * GET /api/tags, /api/ps and /api/version for the whole fleet, so native clients see one Ollama.
 * Each authenticates the key, and lists only models the key (and its team) may use.
 */
export function registerOllamaModelRoutes(app: FastifyInstance, context: EdgeContext): void {
  app.get('/api/tags', async (request) => {
    const caller = identifyCaller(context, request.headers);
    const aliases = context.models
      .list()
      .filter((config) => config.visible)
      .map((config) => ({ alias: config.alias, target: config.target, updatedAt: config.updatedAt }));
    return fleetTags(fleetModels(context), aliases, (name) => caller.mayUse(name), normalizeModelName);
  });

  app.get('/api/ps', async (request) => {
    const caller = identifyCaller(context, request.headers);
    return fleetPs(fleetModels(context), (name) => caller.mayUse(name));
  });

  app.get('/api/version', async (request) => {
    identifyCaller(context, request.headers);
    return { version: fleetVersion(context.fleet.all().map((worker) => worker.heartbeat.upstreamVersion), UNKNOWN_FLEET_VERSION) };
  });
}
