import { PROTOCOL_VERSION, type Accept, type BusError, type Failure, type Final, type KeepAlive, type Refuse, type Usage } from '@corral/protocol';

/*
 * Encoders of the worker's replies. They build the typed object and stringify it: the hot path
 * skips zod (the types keep the shape honest at compile time). Chunks use encodeRawChunk instead.
 */

export function encodeAccept(requestId: string, workerId: string): string {
  const reply: Accept = { v: PROTOCOL_VERSION, type: 'accept', requestId, workerId };
  return JSON.stringify(reply);
}

export function encodeRefuse(requestId: string, workerId: string, error: BusError): string {
  const reply: Refuse = { v: PROTOCOL_VERSION, type: 'refuse', requestId, workerId, error };
  return JSON.stringify(reply);
}

export function encodeFinal(requestId: string, seq: number, data: Record<string, unknown>, usage: Usage, workerId: string): string {
  const reply: Final = { v: PROTOCOL_VERSION, type: 'final', requestId, seq, data, usage, workerId };
  return JSON.stringify(reply);
}

/** A final whose native object was stored as blob `dataRef` because the reply would not fit in one NATS message. */
export function encodeFinalByRef(requestId: string, seq: number, dataRef: string, usage: Usage, workerId: string): string {
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

/**
 * Whether an encoded reply fits in `maxBytes` (see maxInlinePayload). A UTF-16 code unit never takes
 * more than 3 bytes in UTF-8, so the common small reply is judged without measuring it.
 */
export function fitsInline(payload: string, maxBytes: number): boolean {
  return payload.length * 3 <= maxBytes || Buffer.byteLength(payload) <= maxBytes;
}
