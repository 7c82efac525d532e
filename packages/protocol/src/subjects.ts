/**
 * Every NATS subject, stream, bucket and inbox name is built here, from one prefix, so that test
 * suites and tenants sharing a NATS server never see each other's traffic.
 */
const TOKEN = /^[A-Za-z0-9_-]+$/;

function assertToken(kind: string, value: string): string {
  if (!TOKEN.test(value)) throw new Error(`invalid ${kind} for a NATS subject token: ${JSON.stringify(value)}`);
  return value;
}

export type AccountingOperation =
  | 'keys.create'
  | 'keys.list'
  | 'keys.update'
  | 'keys.revoke'
  | 'models.set'
  | 'models.list'
  | 'models.delete'
  | 'usage.summary'
  | 'responses.get'
  | 'responses.put'
  | 'responses.delete'
  | 'teams.create'
  | 'teams.list'
  | 'teams.update'
  | 'teams.delete'
  | 'admin.users.create'
  | 'admin.users.list'
  | 'admin.users.setPassword'
  | 'admin.login'
  | 'admin.session.resolve'
  | 'admin.logout';

export interface Subjects {
  readonly prefix: string;
  /** Workers publish their heartbeat here; every edge listens. */
  heartbeat(): string;
  /** Jobs for one worker (request with streamed replies). */
  workerJobs(workerId: string): string;
  /** Cancels for one worker's in-flight jobs. */
  workerCancels(workerId: string): string;
  /** Operator commands for one worker (cordon, uncordon, drain). */
  workerCommands(workerId: string): string;
  /** Inbox namespace owned by one process (one wildcard subscription serves all its requests). */
  inboxRoot(ownerId: string): string;
  inbox(ownerId: string, token: string): string;
  /** Accounting request/reply operations (queue group `accounting`). */
  accounting(operation: AccountingOperation): string;
  /** Usage events (JetStream). */
  usage(requestId: string): string;
  /** A list of usage events (a batch unit's lines), named by the first one's request id; in the usage stream too. */
  usageList(firstRequestId: string): string;
  usageWildcard(): string;
  /** JetStream stream / KV and object store bucket names (no dots allowed there). */
  /** Batch work units of one batch (JetStream work queue), and all of them. */
  batchWork(batchId: string): string;
  batchWorkWildcard(): string;
  /** Whole-batch work (validate, finalize) for one batch, and all of it. */
  batchControl(batchId: string): string;
  batchControlWildcard(): string;
  streamName(name: 'usage' | 'batch_work' | 'batch_control'): string;
  bucketName(name: 'keys' | 'models' | 'teams' | 'blobs' | 'files' | 'batches' | 'batch_parts'): string;
}

export function createSubjects(prefix = 'corral'): Subjects {
  assertToken('subject prefix', prefix);
  const upper = prefix.toUpperCase();
  return {
    prefix,
    heartbeat: () => `${prefix}.fleet.heartbeat`,
    workerJobs: (workerId) => `${prefix}.worker.${assertToken('worker id', workerId)}.jobs`,
    workerCancels: (workerId) => `${prefix}.worker.${assertToken('worker id', workerId)}.cancel`,
    workerCommands: (workerId) => `${prefix}.worker.${assertToken('worker id', workerId)}.command`,
    inboxRoot: (ownerId) => `_INBOX.${prefix}.${assertToken('inbox owner', ownerId)}`,
    inbox: (ownerId, token) => `_INBOX.${prefix}.${ownerId}.${token}`,
    accounting: (operation) => `${prefix}.accounting.${operation}`,
    usage: (requestId) => `${prefix}.usage.${assertToken('request id', requestId)}`,
    usageList: (firstRequestId) => `${prefix}.usage.list.${assertToken('request id', firstRequestId)}`,
    usageWildcard: () => `${prefix}.usage.>`,
    batchWork: (batchId) => `${prefix}.batch.work.${assertToken('batch id', batchId)}`,
    batchWorkWildcard: () => `${prefix}.batch.work.*`,
    batchControl: (batchId) => `${prefix}.batch.control.${assertToken('batch id', batchId)}`,
    batchControlWildcard: () => `${prefix}.batch.control.*`,
    streamName: (name) => `${upper}_${name.toUpperCase()}`,
    bucketName: (name) => `${prefix}_${name}`,
  };
}
