import { ErrorCode, replyError } from '@corral/protocol';
import type { Handler, Handlers } from '../serve.ts';
import { login, logout, resolveSession } from './admin-sessions.ts';
import { createAdminUser, listAdminUsers, setAdminPassword } from './admin-users.ts';
import { createKey, listKeys, revokeKey, updateKey } from './keys.ts';
import { deleteModel, listModels, setModel } from './models.ts';
import { deleteResponse, getResponse, putResponse } from './responses.ts';
import { usageSummary } from './usage-summary.ts';

// FOUNDATION PLACEHOLDER: replaced by the teams and admin-auth work before this lands on main.
const notYet = (async () => replyError(ErrorCode.Unsupported, 'not implemented yet')) as Handler<never>;

export const handlers: Handlers = {
  'teams.create': notYet,
  'teams.list': notYet,
  'teams.update': notYet,
  'teams.delete': notYet,
  'admin.users.create': createAdminUser,
  'admin.users.list': listAdminUsers,
  'admin.users.setPassword': setAdminPassword,
  'admin.login': login,
  'admin.session.resolve': resolveSession,
  'admin.logout': logout,
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
