import { z } from 'zod';
import { failure, invalidValue, ok, unsupportedValue, type Result } from '../errors.ts';
import { excerpt } from '../shared/excerpt.ts';
import { parseBody } from '../shared/parse.ts';
import { BATCH_ENDPOINTS, type BatchEndpoint } from './validate-input.ts';

/** OpenAI's one completion window, and how long it lasts. */
export const COMPLETION_WINDOW = { value: '24h', seconds: 24 * 60 * 60 } as const;

/** OpenAI's `Metadata`: at most 16 pairs, keys up to 64 characters, string values up to 512. */
export const METADATA_LIMITS = { maxPairs: 16, maxKeyLength: 64, maxValueLength: 512 } as const;

/**
 * The endpoints OpenAI's `CreateBatchRequest` lists beyond the four Corral runs: refused with a
 * message that names the four, not as if the caller had made a typo.
 */
const OPENAI_ONLY_ENDPOINTS: readonly string[] = ['/v1/moderations', '/v1/images/generations', '/v1/images/edits', '/v1/videos'];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const metadataPairs = z
  .record(
    z.string(),
    z.string({ error: 'expected a string value' }).max(METADATA_LIMITS.maxValueLength, { error: `expected a string of at most ${METADATA_LIMITS.maxValueLength} characters` }),
    { error: 'expected an object of string values, or null' },
  )
  .check((context) => {
    const long = Object.keys(context.value).find((key) => key.length > METADATA_LIMITS.maxKeyLength);
    if (long !== undefined) {
      context.issues.push({ code: 'custom', input: context.value, message: `expected keys of at most ${METADATA_LIMITS.maxKeyLength} characters, got '${excerpt(long)}'` });
    }
  });

/** The number of pairs is checked first, so an oversized object is refused before its values are read. */
const metadataSchema = z
  .unknown()
  .check((context) => {
    if (!isPlainObject(context.value)) return;
    const pairs = Object.keys(context.value).length;
    if (pairs > METADATA_LIMITS.maxPairs) {
      context.issues.push({ code: 'custom', input: context.value, message: `expected at most ${METADATA_LIMITS.maxPairs} key-value pairs, got ${pairs}` });
    }
  })
  .pipe(metadataPairs);

/**
 * The body of POST /v1/batches. Unknown fields are ignored, as in every body of this package.
 * `output_expires_after` (OpenAI's expiry for the output and error files) is accepted and ignored
 * too: those files are kept until deleted, like every file here.
 */
const createBatchSchema = z.object({
  input_file_id: z.string().min(1, { error: 'expected a file id, got an empty string' }),
  endpoint: z.string(),
  completion_window: z.string().refine((value) => value === COMPLETION_WINDOW.value, {
    error: (issue) => `expected '${COMPLETION_WINDOW.value}' (the only completion window), got '${excerpt(String(issue.input))}'`,
  }),
  metadata: metadataSchema.optional(),
});

export interface CreateBatch {
  inputFileId: string;
  endpoint: BatchEndpoint;
  completionWindow: typeof COMPLETION_WINDOW.value;
  /** Null when absent or given as null. */
  metadata: Record<string, string> | null;
}

function isBatchEndpoint(value: string): value is BatchEndpoint {
  return (BATCH_ENDPOINTS as readonly string[]).includes(value);
}

/** Validates a POST /v1/batches body; errors are OpenAI's 400 naming the parameter. */
export function parseCreateBatchRequest(body: unknown): Result<CreateBatch> {
  const parsed = parseBody(createBatchSchema, body);
  if (!parsed.ok) return parsed;
  const { endpoint } = parsed.value;
  if (!isBatchEndpoint(endpoint)) {
    const supported = BATCH_ENDPOINTS.join(', ');
    if (OPENAI_ONLY_ENDPOINTS.includes(endpoint)) {
      return failure(unsupportedValue('endpoint', `Unsupported value: 'endpoint' does not support '${endpoint}' with this server: batches run only on ${supported}.`));
    }
    return failure(invalidValue('endpoint', `expected one of ${supported}, got '${excerpt(endpoint)}'.`));
  }
  return ok({
    inputFileId: parsed.value.input_file_id,
    endpoint,
    completionWindow: COMPLETION_WINDOW.value,
    metadata: parsed.value.metadata ?? null,
  });
}
