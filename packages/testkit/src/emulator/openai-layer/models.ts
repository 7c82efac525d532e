import { modelOwner } from '@corral/ollama';
import type { EmulatorContext } from '../context.ts';
import { findForShow } from '../model-info.ts';

/** GET /v1/models: `data` is null when there are no models (Ollama's nil slice). */
export function listModels(context: EmulatorContext): Record<string, unknown> {
  const models = context.catalog.list();
  return {
    object: 'list',
    data:
      models.length === 0
        ? null
        : models.map((model) => ({
            id: model.name.display,
            object: 'model',
            created: Math.floor(model.modifiedAtMs / 1000),
            owned_by: modelOwner(model.name.display),
          })),
  };
}

/** GET /v1/models/{id}: the id is echoed as given; unknown → 404 with the normalised name. */
export function retrieveModel(context: EmulatorContext, id: string): Record<string, unknown> {
  const model = findForShow(context, id);
  return { id, object: 'model', created: Math.floor(model.modifiedAtMs / 1000), owned_by: modelOwner(id) };
}
