import { modelOwner, normalizeModelName } from '@corral/ollama';
import { toModel, toModelList, type ModelEntry } from '@corral/openai';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EdgeContext } from '../../context.ts';
import { fleetCatalog } from '../../fleet/catalog.ts';
import { FailureKind, HttpError } from '../../errors/http-error.ts';
import { identifyCaller } from '../../pipeline/access.ts';

/**
 * What a caller may see: every model of the live fleet plus every visible alias whose target the
 * fleet serves, filtered by the key's model access (a key never learns of models it cannot use).
 */
function visibleModels(context: EdgeContext, request: FastifyRequest): ModelEntry[] {
  const caller = identifyCaller(context, request.headers);
  const catalog = fleetCatalog(context.fleet);
  const served = new Map(catalog.map((entry) => [entry.name, entry]));
  const entries: ModelEntry[] = catalog.map((entry) => ({ id: entry.name, created: entry.created, ownedBy: modelOwner(entry.name) }));
  for (const alias of context.models.list()) {
    if (!alias.visible) continue;
    const target = served.get(normalizeModelName(alias.target));
    if (!target || served.has(normalizeModelName(alias.alias))) continue;
    entries.push({ id: alias.alias, created: Math.floor(Date.parse(alias.updatedAt) / 1000) || target.created, ownedBy: 'corral' });
  }
  return entries.filter((entry) => caller.mayUse(entry.id)).sort((a, b) => a.id.localeCompare(b.id));
}

/** GET /v1/models and /v1/models/{id}, from the live fleet and the configured aliases. */
export function registerModelRoutes(app: FastifyInstance, context: EdgeContext): void {
  app.get('/v1/models', async (request) => toModelList(visibleModels(context, request)));

  app.get('/v1/models/*', async (request) => {
    const id = (request.params as { '*': string })['*'];
    const wanted = normalizeModelName(id);
    const entry = visibleModels(context, request).find((candidate) => candidate.id === id || normalizeModelName(candidate.id) === wanted);
    if (!entry) {
      throw new HttpError(404, FailureKind.NotFound, `The model '${id}' does not exist or you do not have access to it.`, { code: 'model_not_found', param: 'model' });
    }
    return toModel({ ...entry, id });
  });
}
