import type { BusError } from '../errors.ts';
import type { Cancel, Job } from '../job.ts';
import type { Accept, Failure, Final, KeepAlive, Refuse, Usage } from '../reply.ts';
import { PROTOCOL_VERSION } from '../version.ts';

/*
 * Encoders of every job-stream message. They build the typed object and stringify it: the hot path
 * skips zod (the types keep the shape honest at compile time), and decode.ts checks what arrives.
 */

export function encodeJob(job: Job): string {
  return JSON.stringify(job);
}

export function encodeCancel(requestId: string, reason?: string): string {
  const cancel: Cancel = { v: PROTOCOL_VERSION, requestId, ...(reason ? { reason } : {}) };
  return JSON.stringify(cancel);
}

export function encodeAccept(requestId: string, workerId: string): string {
  const reply: Accept = { v: PROTOCOL_VERSION, type: 'accept', requestId, workerId };
  return JSON.stringify(reply);
}

export function encodeRefuse(requestId: string, workerId: string, error: BusError): string {
  const reply: Refuse = { v: PROTOCOL_VERSION, type: 'refuse', requestId, workerId, error };
  return JSON.stringify(reply);
}

/**
 * Builds a chunk reply around a raw NDJSON line without parsing it: the worker's hot path forwards
 * Ollama's bytes with as little re-encoding as possible. The line must be one JSON object.
 */
export function encodeRawChunk(requestId: string, seq: number, rawJsonObject: string): string {
  return `{"v":${PROTOCOL_VERSION},"type":"chunk","requestId":${JSON.stringify(requestId)},"seq":${seq},"data":${rawJsonObject}}`;
}

/**
 * `dataText`, when given, is `data`'s own JSON text as the upstream sent it (already parsed, so known
 * to be one JSON object): it goes out as it is. An embed answer's hundreds of vectors are then not
 * stringified again on the worker, which spends its event loop on chat streams meanwhile.
 */
export function encodeFinal(requestId: string, seq: number, data: Record<string, unknown>, usage: Usage, workerId: string, dataText?: string): string {
  if (dataText !== undefined) {
    return `{"v":${PROTOCOL_VERSION},"type":"final","requestId":${JSON.stringify(requestId)},"seq":${seq},"data":${dataText},"usage":${JSON.stringify(usage)},"workerId":${JSON.stringify(workerId)}}`;
  }
  const reply: Final = { v: PROTOCOL_VERSION, type: 'final', requestId, seq, data, usage, workerId };
  return JSON.stringify(reply);
}

/** A final whose native object was stored as blob `dataRef` because the reply would not fit in one NATS message. */
export function encodeFinalByReference(requestId: string, seq: number, dataRef: string, usage: Usage, workerId: string): string {
  const reply: Final = { v: PROTOCOL_VERSION, type: 'final', requestId, seq, dataRef, usage, workerId };
  return JSON.stringify(reply);
}

export function encodeFailure(requestId: string, seq: number, error: BusError, workerId: string): string {
  const reply: Failure = { v: PROTOCOL_VERSION, type: 'error', requestId, seq, error, workerId };
  return JSON.stringify(reply);
}

export function encodeKeepAlive(requestId: string, seq: number): string {
  const reply: KeepAlive = { v: PROTOCOL_VERSION, type: 'keepalive', requestId, seq };
  return JSON.stringify(reply);
}
