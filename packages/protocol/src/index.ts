export { PROTOCOL_VERSION } from './version.ts';
export { createSubjects, type Subjects, type AccountingOperation } from './subjects.ts';
export { ErrorCode, BusError } from './errors.ts';
export { Job, JobKind, JobLane, Cancel, BlobName } from './job.ts';
export {
  BatchStatus,
  BatchStop,
  BatchErrorEntry,
  BatchRequestCounts,
  BatchTokenUsage,
  BatchRecord,
  BatchWorkLine,
  BatchWorkUnit,
  BatchControl,
  BatchControlOp,
  isTerminalBatchStatus,
  newBatchRecord,
  type NewBatch,
  type BatchPartSummary,
} from './batches/batch.ts';
export { validTraceparent } from './trace-context.ts';
export { Usage, Accept, Refuse, Chunk, Final, Failure, KeepAlive, WorkerReply } from './reply.ts';
export { encodeJob, encodeCancel, encodeAccept, encodeRefuse, encodeRawChunk, encodeFinal, encodeFinalByReference, encodeFailure, encodeKeepAlive } from './job-stream/encode.ts';
export { decodeJob, decodeCancel, decodeWorkerReply, decodeFinalData, JobStreamError, StreamFault } from './job-stream/decode.ts';
export { ReplyWriter, ReplyReader } from './job-stream/sequence.ts';
export { rawChunkLine } from './job-stream/chunk-text.ts';
export { fitsInline, planJob, jobBodyBlobName, finalDataBlobName, encodeFinalData, type InlineJob, type JobPlan } from './job-stream/inline.ts';
export { Heartbeat, WorkerModel } from './heartbeat.ts';
export { KeyInfo, KeyCreateRequest, KeyCreateResult, KeyListRequest, KeyListResult, KeyUpdateRequest, KeyUpdateResult, KeyRevokeRequest, KeyRevokeResult } from './accounting/keys.ts';
export { ThinkSetting, KeepAliveSetting, ModelConfig, ModelSetRequest, ModelSetResult, ModelListRequest, ModelListResult, ModelDeleteRequest, ModelDeleteResult } from './accounting/models.ts';
export { UsageStatus, UsageEvent, UsageGroup, UsageSummaryRequest, UsageSummaryRow, UsageSummaryResult } from './accounting/usage.ts';
export { USAGE_EVENTS_PER_MESSAGE, UsageEventList, usageEventList, usageEventListId, decodeUsageMessage, validUsageEvents, type DecodedUsageMessage } from './accounting/usage-message.ts';
export { sanitizeUsageEvent, storableText, USAGE_TEXT_LIMITS, USAGE_COUNT_MAX, TRUNCATION_MARKER, REPLACEMENT_CHARACTER, UNKNOWN_TEXT } from './accounting/usage-sanitize.ts';
export {
  ResponseId,
  StoredResponse,
  ResponsePutRequest,
  ResponsePutResult,
  ResponseGetRequest,
  ResponseGetResult,
  ResponseDeleteRequest,
  ResponseDeleteResult,
} from './accounting/responses.ts';
export { TeamInfo, TeamCreateRequest, TeamCreateResult, TeamListRequest, TeamListResult, TeamUpdateRequest, TeamUpdateResult, TeamDeleteRequest, TeamDeleteResult, TeamRecord } from './accounting/teams.ts';
export {
  AdminRole,
  AdminUserInfo,
  AdminUserCreateRequest,
  AdminUserCreateResult,
  AdminUserListRequest,
  AdminUserListResult,
  AdminUserSetPasswordRequest,
  AdminUserSetPasswordResult,
  AdminLoginRequest,
  AdminLoginResult,
  AdminSessionResolveRequest,
  AdminSessionResolveResult,
  AdminLogoutRequest,
  AdminLogoutResult,
} from './accounting/admin.ts';
export { WorkerCommand, WorkerCommandName, WorkerCommandResult, WorkerCommandReply, workerCommandOk, workerCommandError } from './worker-command.ts';
export { KeyRecord, modelConfigKey, aliasFromModelConfigKey } from './accounting/kv-records.ts';
export { AccountingReply, replyOk, replyError } from './accounting/envelope.ts';
export { accountingOperations, ACCOUNTING_QUEUE, USAGE_CONSUMER, type AccountingOperations, type AccountingRequest, type AccountingResult } from './accounting/operations.ts';
