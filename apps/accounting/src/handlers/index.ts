import type { Handlers } from '../serve.ts';
import { login, logout, resolveSession } from './admin-sessions.ts';
import { createAdminUser, listAdminUsers, setAdminPassword } from './admin-users.ts';
import { createKey, listKeys, revokeKey, updateKey } from './keys.ts';
import { deleteModel, listModels, setModel } from './models.ts';
import { createTeam, deleteTeam, listTeams, updateTeam } from './teams.ts';
import { deleteResponse, getResponse, putResponse } from './responses.ts';
import { usageSummary } from './usage-summary.ts';

export const handlers: Handlers = {
  'teams.create': createTeam,
  'teams.list': listTeams,
  'teams.update': updateTeam,
  'teams.delete': deleteTeam,
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
