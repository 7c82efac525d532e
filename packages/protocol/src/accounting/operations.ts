import type { z } from 'zod';
import type { AccountingOperation } from '../subjects.ts';
import { KeyCreateRequest, KeyCreateResult, KeyListRequest, KeyListResult, KeyRevokeRequest, KeyRevokeResult, KeyUpdateRequest, KeyUpdateResult } from './keys.ts';
import { ModelDeleteRequest, ModelDeleteResult, ModelListRequest, ModelListResult, ModelSetRequest, ModelSetResult } from './models.ts';
import { ResponseDeleteRequest, ResponseDeleteResult, ResponseGetRequest, ResponseGetResult, ResponsePutRequest, ResponsePutResult } from './responses.ts';
import { UsageSummaryRequest, UsageSummaryResult } from './usage.ts';
import { TeamCreateRequest, TeamCreateResult, TeamDeleteRequest, TeamDeleteResult, TeamListRequest, TeamListResult, TeamUpdateRequest, TeamUpdateResult } from './teams.ts';
import {
  AdminLoginRequest,
  AdminLoginResult,
  AdminLogoutRequest,
  AdminLogoutResult,
  AdminSessionResolveRequest,
  AdminSessionResolveResult,
  AdminUserCreateRequest,
  AdminUserCreateResult,
  AdminUserListRequest,
  AdminUserListResult,
  AdminUserSetPasswordRequest,
  AdminUserSetPasswordResult,
} from './admin.ts';

/** The request and result schema of every accounting operation: one table for server and clients. */
export const accountingOperations = {
  'keys.create': { request: KeyCreateRequest, result: KeyCreateResult },
  'keys.list': { request: KeyListRequest, result: KeyListResult },
  'keys.update': { request: KeyUpdateRequest, result: KeyUpdateResult },
  'keys.revoke': { request: KeyRevokeRequest, result: KeyRevokeResult },
  'models.set': { request: ModelSetRequest, result: ModelSetResult },
  'models.list': { request: ModelListRequest, result: ModelListResult },
  'models.delete': { request: ModelDeleteRequest, result: ModelDeleteResult },
  'usage.summary': { request: UsageSummaryRequest, result: UsageSummaryResult },
  'responses.get': { request: ResponseGetRequest, result: ResponseGetResult },
  'responses.put': { request: ResponsePutRequest, result: ResponsePutResult },
  'responses.delete': { request: ResponseDeleteRequest, result: ResponseDeleteResult },
  'teams.create': { request: TeamCreateRequest, result: TeamCreateResult },
  'teams.list': { request: TeamListRequest, result: TeamListResult },
  'teams.update': { request: TeamUpdateRequest, result: TeamUpdateResult },
  'teams.delete': { request: TeamDeleteRequest, result: TeamDeleteResult },
  'admin.users.create': { request: AdminUserCreateRequest, result: AdminUserCreateResult },
  'admin.users.list': { request: AdminUserListRequest, result: AdminUserListResult },
  'admin.users.setPassword': { request: AdminUserSetPasswordRequest, result: AdminUserSetPasswordResult },
  'admin.login': { request: AdminLoginRequest, result: AdminLoginResult },
  'admin.session.resolve': { request: AdminSessionResolveRequest, result: AdminSessionResolveResult },
  'admin.logout': { request: AdminLogoutRequest, result: AdminLogoutResult },
} as const satisfies Record<AccountingOperation, { request: z.ZodType; result: z.ZodType }>;
export type AccountingOperations = typeof accountingOperations;

export type AccountingRequest<O extends AccountingOperation> = z.input<AccountingOperations[O]['request']>;
export type AccountingResult<O extends AccountingOperation> = z.infer<AccountingOperations[O]['result']>;

/** Name of the queue group every accounting replica joins, so each request is served once. */
export const ACCOUNTING_QUEUE = 'accounting';
/** Name of the durable JetStream consumer that feeds usage into Postgres. */
export const USAGE_CONSUMER = 'accounting';
