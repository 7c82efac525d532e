/**
 * W3C Trace Context `traceparent`: version, trace id, parent id, flags, lower-case hex. A job
 * carries the caller's header so the worker's logs and the request it sends Ollama (or a proxy in
 * front of it) join the caller's trace.
 */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ALL_ZERO = /^0+$/;

/**
 * The header value when it is a valid `traceparent`, else undefined (the spec says to ignore a
 * malformed one rather than fail the request). Version ff is invalid; ids of all zeros are
 * invalid; a future version may append fields, version 00 may not.
 */
export function validTraceparent(value: string | string[] | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  const match = TRACEPARENT.exec(trimmed);
  if (!match) return undefined;
  const [, version, traceId, parentId, , rest] = match;
  if (version === 'ff' || ALL_ZERO.test(traceId!) || ALL_ZERO.test(parentId!)) return undefined;
  if (version === '00' && rest !== undefined) return undefined;
  return trimmed;
}
