import type { Handlers } from '../serve.ts';
import { createKey, listKeys, revokeKey, updateKey } from './keys.ts';
import { deleteModel, listModels, setModel } from './models.ts';
import { deleteResponse, getResponse, putResponse } from './responses.ts';
import { usageSummary } from './usage-summary.ts';

export const handlers: Handlers = {
  'keys.create': createKey,
  'keys.list': listKeys,
  'keys.update': updateKey,
  'keys.revoke': revokeKey,
  'models.set': setModel,
  'models.list': listModels,
  'models.delete': deleteModel,
  'usage.summary': usageSummary,
  'responses.get': getResponse,
  'responses.put': putResponse,
  'responses.delete': deleteResponse,
};
