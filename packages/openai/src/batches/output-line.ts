/**
 * Lines of a batch's output and error files, in OpenAI's format (the Batch guide's "request output"
 * object). A request that ran gets a `response` whatever its status code: a 4xx or 5xx answer goes
 * to the error file with its body, as OpenAI does. A request that never ran gets an `error` instead.
 * Each builder returns one line without its newline; the caller joins them.
 */

export interface BatchLineIds {
  /** The line's `id` (`batch_req_…`). */
  id: string;
  /** The `request_id` of its response (`req_…`). */
  requestId: string;
}

const UNSAFE_ID_CHARACTER = /[^A-Za-z0-9_-]/g;

/**
 * Ids of one line, the same every time for the same batch and line: a unit run again after a crash
 * writes the same ids. Made of [A-Za-z0-9_-] only, so either may name a NATS subject token.
 */
export function batchLineIds(batchId: string, line: number): BatchLineIds {
  if (!Number.isSafeInteger(line) || line < 1) throw new RangeError(`A batch line number is a positive integer, got ${line}`);
  // Ids from createBatchId have no character to replace; anything else is made safe, not trusted.
  const batch = (batchId.startsWith('batch_') ? batchId.slice('batch_'.length) : batchId).replace(UNSAFE_ID_CHARACTER, '-');
  return { id: `batch_req_${batch}_${line}`, requestId: `req_${batch}_${line}` };
}

/** The line errors Corral writes for requests that did not run. */
export const BatchLineError = {
  expired: { code: 'batch_expired', message: 'This request could not be executed before the completion window expired.' },
  /** Not written today; named so that the code is settled before anything writes it. */
  cancelled: { code: 'batch_cancelled', message: 'This request was not executed because the batch was cancelled.' },
} as const;

export interface BatchOutputLine {
  id: string;
  custom_id: string;
  response: { status_code: number; request_id: string; body: unknown } | null;
  error: { code: string; message: string } | null;
}

export interface ResponseLineInput {
  id: string;
  customId: string;
  statusCode: number;
  requestId: string;
  /** The endpoint's JSON answer (or its error envelope), as the HTTP route would have sent it. */
  body: unknown;
}

export function responseLine(input: ResponseLineInput): string {
  const line: BatchOutputLine = {
    id: input.id,
    custom_id: input.customId,
    // A missing body would vanish from the JSON; the line keeps OpenAI's shape with null.
    response: { status_code: input.statusCode, request_id: input.requestId, body: input.body ?? null },
    error: null,
  };
  return JSON.stringify(line);
}

export interface ErrorLineInput {
  id: string;
  customId: string;
  code: string;
  message: string;
}

export function errorLine(input: ErrorLineInput): string {
  const line: BatchOutputLine = { id: input.id, custom_id: input.customId, response: null, error: { code: input.code, message: input.message } };
  return JSON.stringify(line);
}
