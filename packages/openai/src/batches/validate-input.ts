import { excerpt } from '../shared/excerpt.ts';

/**
 * Validation of a Batch API input file, line by line as OpenAI validates one: a file that fails makes
 * the batch `failed` with these errors. OpenAI's OpenAPI document gives the error's shape
 * (`BatchError`: code, message, param, line) but no list of codes; the codes below are the ones
 * OpenAI answers with where known (`invalid_json_line`, `duplicate_custom_id`, `invalid_url`,
 * `mismatched_model`, `empty_file`, `too_many_requests`), and in the same style where not.
 */

export const BatchInputErrorCode = {
  invalidJsonLine: 'invalid_json_line',
  missingCustomId: 'missing_custom_id',
  duplicateCustomId: 'duplicate_custom_id',
  invalidMethod: 'invalid_method',
  invalidUrl: 'invalid_url',
  missingBody: 'missing_body',
  missingModel: 'missing_model',
  mismatchedModel: 'mismatched_model',
  /** More lines than one batch may hold. */
  tooManyRequests: 'too_many_requests',
  /** No request line at all. */
  emptyFile: 'empty_file',
  /** A line longer than the gateway carries in one message (Corral's limit, not OpenAI's). */
  lineTooLarge: 'line_too_large',
} as const;
export type BatchInputErrorCode = (typeof BatchInputErrorCode)[keyof typeof BatchInputErrorCode];

/** OpenAI's `BatchError`. */
export interface BatchError {
  code: BatchInputErrorCode;
  message: string;
  param: string | null;
  /** 1-based line of the input file, or null for the file as a whole. */
  line: number | null;
}

export const BATCH_ENDPOINTS = ['/v1/chat/completions', '/v1/embeddings', '/v1/completions', '/v1/responses'] as const;
export type BatchEndpoint = (typeof BATCH_ENDPOINTS)[number];

export const BATCH_INPUT_LIMITS = {
  /** OpenAI's cap on the requests of one batch. */
  maxLines: 50_000,
  /** Errors reported at most: a file of 50 000 bad lines says enough in its first hundred. */
  maxErrors: 100,
} as const;

export interface BatchInputOptions {
  /** The batch's `endpoint`: when given, every line's `url` must be it. */
  endpoint?: BatchEndpoint;
  maxLines?: number;
  maxErrors?: number;
  /** Characters one line may have at most (none when absent). */
  maxLineLength?: number;
}

export interface BatchInputValidation {
  ok: boolean;
  errors: BatchError[];
  /** Request lines read (blank lines are not requests). */
  requests: number;
  /** The one model of the file (from its first line that names one), or null. */
  model: string | null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads the lines one at a time (never the whole file); stops reading past the line cap. */
export async function validateBatchInput(lines: AsyncIterable<string>, options: BatchInputOptions = {}): Promise<BatchInputValidation> {
  const maxLines = options.maxLines ?? BATCH_INPUT_LIMITS.maxLines;
  const maxErrors = options.maxErrors ?? BATCH_INPUT_LIMITS.maxErrors;
  const errors: BatchError[] = [];
  const seenIds = new Set<string>();
  let model: string | null = null;
  let requests = 0;
  let lineNumber = 0;
  const report = (code: BatchInputErrorCode, message: string, param: string | null, line: number | null) => {
    if (errors.length < maxErrors) errors.push({ code, message, param, line });
  };

  for await (const text of lines) {
    lineNumber += 1;
    // A blank line (the newline after the last request, mostly) is not a request.
    if (text.trim() === '') continue;
    requests += 1;
    if (requests > maxLines) {
      report(BatchInputErrorCode.tooManyRequests, `The batch input file has more than the maximum of ${maxLines} requests.`, null, lineNumber);
      break;
    }
    if (options.maxLineLength !== undefined && text.length > options.maxLineLength) {
      report(BatchInputErrorCode.lineTooLarge, `This request is ${text.length} characters long; a batch line may have at most ${options.maxLineLength}.`, null, lineNumber);
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      report(BatchInputErrorCode.invalidJsonLine, `This line is not parseable as valid JSON: ${excerpt(text)}`, null, lineNumber);
      continue;
    }
    if (!isObject(parsed)) {
      report(BatchInputErrorCode.invalidJsonLine, 'This line is valid JSON but not a JSON object.', null, lineNumber);
      continue;
    }
    const customId = parsed.custom_id;
    if (typeof customId !== 'string' || customId === '') {
      report(BatchInputErrorCode.missingCustomId, 'Each request must have a custom_id (a non-empty string).', 'custom_id', lineNumber);
    } else if (seenIds.has(customId)) {
      report(BatchInputErrorCode.duplicateCustomId, `The custom_id '${excerpt(customId)}' of this request is a duplicate of another request's. Each request needs a unique custom_id.`, 'custom_id', lineNumber);
    } else {
      seenIds.add(customId);
    }
    if (parsed.method !== 'POST') {
      report(BatchInputErrorCode.invalidMethod, `The method of this request must be 'POST', got ${describe(parsed.method)}.`, 'method', lineNumber);
    }
    const url = parsed.url;
    if (typeof url !== 'string' || !(BATCH_ENDPOINTS as readonly string[]).includes(url)) {
      report(BatchInputErrorCode.invalidUrl, `The url of this request must be one of ${BATCH_ENDPOINTS.join(', ')}, got ${describe(url)}.`, 'url', lineNumber);
    } else if (options.endpoint !== undefined && url !== options.endpoint) {
      report(BatchInputErrorCode.invalidUrl, `The url '${url}' of this request does not match the batch's endpoint '${options.endpoint}'.`, 'url', lineNumber);
    }
    const body = parsed.body;
    if (!isObject(body)) {
      report(BatchInputErrorCode.missingBody, 'Each request must have a body (a JSON object).', 'body', lineNumber);
      continue;
    }
    if (typeof body.model !== 'string' || body.model === '') {
      report(BatchInputErrorCode.missingModel, "The body of this request must name a model ('body.model').", 'body.model', lineNumber);
      continue;
    }
    if (model === null) model = body.model;
    else if (body.model !== model) {
      report(BatchInputErrorCode.mismatchedModel, `All requests of a batch must use the same model: this one uses '${excerpt(body.model)}', the first one '${excerpt(model)}'.`, 'body.model', lineNumber);
    }
  }

  if (requests === 0) report(BatchInputErrorCode.emptyFile, 'The batch input file is empty: it holds no request.', null, null);
  return { ok: errors.length === 0, errors, requests: Math.min(requests, maxLines), model };
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  return typeof value === 'string' ? `'${excerpt(value)}'` : excerpt(JSON.stringify(value) ?? String(value));
}
