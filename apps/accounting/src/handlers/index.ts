import { ErrorCode, replyError } from '@corral/protocol';
import type { Handler, Handlers } from '../serve.ts';
import { createKey, listKeys, revokeKey, updateKey } from './keys.ts';
import { deleteModel, listModels, setModel } from './models.ts';
import { createTeam, deleteTeam, listTeams, updateTeam } from './teams.ts';
import { deleteResponse, getResponse, putResponse } from './responses.ts';
import { usageSummary } from './usage-summary.ts';

// FOUNDATION PLACEHOLDER: replaced by the admin-auth work before this lands on main.
const notYet = (async () => replyError(ErrorCode.Unsupported, 'not implemented yet')) as Handler<never>;

export const handlers: Handlers = {
  'teams.create': createTeam,
  'teams.list': listTeams,
  'teams.update': updateTeam,
  'teams.delete': deleteTeam,
  'admin.users.create': notYet,
  'admin.users.list': notYet,
  'admin.login': notYet,
  'admin.session.resolve': notYet,
  'admin.logout': notYet,
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
