import { createId, IdPrefix } from '../ids.ts';
import { failure, invalidRequest, invalidValue, missingParameter, notFound, ok, requestTooLarge, unsupportedParameter, type OpenAIError, type Result } from '../errors.ts';
import { excerpt } from '../shared/excerpt.ts';

/** The purposes POST /v1/files accepts (OpenAI's `CreateFileRequest.purpose`). */
export const FilePurpose = {
  assistants: 'assistants',
  batch: 'batch',
  fineTune: 'fine-tune',
  vision: 'vision',
  userData: 'user_data',
  evals: 'evals',
} as const;
export type FilePurpose = (typeof FilePurpose)[keyof typeof FilePurpose];

const PURPOSES: readonly string[] = Object.values(FilePurpose);

export const FILE_LIMITS = {
  /** OpenAI's cap on one file, whatever its purpose. */
  maxFileBytes: 512 * 1024 ** 2,
  /** OpenAI's cap on a Batch API input. */
  maxBatchFileBytes: 200 * 1024 ** 2,
} as const;

/** OpenAI's `OpenAIFile`. */
export interface OpenAIFile {
  id: string;
  object: 'file';
  bytes: number;
  created_at: number;
  filename: string;
  purpose: string;
  /** Deprecated upstream but still required by the schema: a stored file is always `processed`. No `expires_at`: files are kept until deleted. */
  status: 'processed';
}

export interface FileRecord {
  id: string;
  purpose: string;
  filename: string;
  bytes: number;
  /** Unix seconds. */
  createdAt: number;
}

export function createFileId(): string {
  return createId(IdPrefix.file);
}

export function toOpenAIFile(record: FileRecord): OpenAIFile {
  return {
    id: record.id,
    object: 'file',
    bytes: record.bytes,
    created_at: record.createdAt,
    filename: record.filename,
    purpose: record.purpose,
    status: 'processed',
  };
}

export function deletedFile(id: string): { id: string; object: 'file'; deleted: true } {
  return { id, object: 'file', deleted: true };
}

/** OpenAI's answer for a missing file, and for another key's: the two are indistinguishable. */
export function fileNotFound(id: string): OpenAIError {
  return { ...notFound(`No such File object: ${excerpt(id)}`, 'id'), code: null };
}

export function parsePurpose(value: string | undefined): Result<FilePurpose> {
  if (value === undefined) return failure(missingParameter('purpose'));
  if (!PURPOSES.includes(value)) return failure(invalidValue('purpose', `expected one of ${PURPOSES.map((purpose) => `'${purpose}'`).join(', ')}, got '${excerpt(value)}'.`));
  return ok(value as FilePurpose);
}

/** The largest file an upload of this purpose may carry, under the server's own cap. */
export function maxBytesFor(purpose: FilePurpose | undefined, serverMaxBytes: number): number {
  return purpose === FilePurpose.batch ? Math.min(serverMaxBytes, FILE_LIMITS.maxBatchFileBytes) : serverMaxBytes;
}

export function fileTooLarge(limitBytes: number, purpose: FilePurpose | undefined): OpenAIError {
  const scope = purpose === FilePurpose.batch ? " for purpose 'batch'" : '';
  return requestTooLarge(`The file exceeds the maximum size of ${formatMegabytes(limitBytes)}${scope}.`);
}

/** What the purpose asks of the file itself, checked once both are known. */
export function checkFileForPurpose(purpose: FilePurpose, filename: string, bytes: number, serverMaxBytes: number): Result<void> {
  if (purpose === FilePurpose.batch && !filename.toLowerCase().endsWith('.jsonl')) {
    return failure(invalidRequest(`Invalid file format for Batch API. Must be .jsonl, got '${excerpt(filename)}'.`, 'file', 'invalid_file_format'));
  }
  const limit = maxBytesFor(purpose, serverMaxBytes);
  if (bytes > limit) return failure(fileTooLarge(limit, purpose));
  return ok(undefined);
}

/** Form fields of an upload besides `file` and `purpose`: OpenAI's expiry is not honoured, so it is refused. */
export function checkUploadField(name: string): Result<void> {
  if (name === 'purpose') return ok(undefined);
  if (name === 'expires_after' || name.startsWith('expires_after[')) return failure(unsupportedParameter('expires_after', 'Files are kept until deleted.'));
  return failure(invalidRequest(`Unrecognized request argument supplied: ${excerpt(name)}`, name, 'unknown_parameter'));
}

function formatMegabytes(bytes: number): string {
  return `${Math.round((bytes / 1024 ** 2) * 10) / 10} MB`;
}
