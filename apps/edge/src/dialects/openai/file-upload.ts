import { completeFile, deleteFile, putFileContent, type Bus } from '@corral/bus';
import { checkFileForPurpose, checkUploadField, createFileId, fileTooLarge, maxBytesFor, missingParameter, parsePurpose, type FilePurpose, type FileRecord } from '@corral/openai';
import type { FastifyRequest } from 'fastify';
import { Transform, type TransformCallback } from 'node:stream';
import { FailureKind, HttpError } from '../../errors/http-error.ts';
import { fromOpenAIError, unwrap } from './errors.ts';

/** The file outgrew its limit while streaming in. */
class FileTooLargeError extends Error {}

/** Passes bytes through, failing the stream once more than `limitBytes` went by. */
function byteLimit(limitBytes: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      seen += chunk.length;
      if (seen > limitBytes) callback(new FileTooLargeError(`more than ${limitBytes} bytes`));
      else callback(null, chunk);
    },
  });
}

export interface UploadSettings {
  /** The server's cap on one file (FILES_MAX_BYTES). */
  maxFileBytes: number;
  /** '' without auth. */
  ownerKeyId: string;
}

/**
 * POST /v1/files: the form's `file` part is piped straight into the object store (never buffered
 * whole). The form may send `purpose` before or after the file: whatever is known when the file
 * starts (its purpose's size cap, `.jsonl` for batch) is enforced while it streams; the rest once the
 * form has ended, deleting the stored content if it fails. The file exists for readers only once
 * `completeFile` wrote its purpose.
 */
export async function receiveUpload(bus: Bus, request: FastifyRequest, settings: UploadSettings): Promise<FileRecord> {
  if (!request.isMultipart()) {
    throw new HttpError(400, FailureKind.InvalidRequest, "POST /v1/files takes a multipart/form-data body with the fields 'file' and 'purpose'.", { code: 'invalid_request' });
  }
  let purpose: FilePurpose | undefined;
  let stored: { id: string; filename: string; bytes: number; createdAt: number } | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        if (part.fieldname === 'file') throw new HttpError(400, FailureKind.InvalidRequest, "'file' must be a file part (with a filename), not a text field.", { code: 'invalid_value', param: 'file' });
        unwrap(checkUploadField(part.fieldname));
        purpose = unwrap(parsePurpose(typeof part.value === 'string' ? part.value : undefined));
        continue;
      }
      if (part.fieldname !== 'file' || stored) {
        part.file.resume();
        throw new HttpError(400, FailureKind.InvalidRequest, stored ? 'Only one file may be uploaded per request.' : `Unexpected file field '${part.fieldname}'; the file goes in 'file'.`, { code: 'invalid_value', param: part.fieldname });
      }
      const filename = part.filename || 'file';
      // With the purpose already known, a wrong name is refused before a byte is stored.
      if (purpose !== undefined) unwrap(checkFileForPurpose(purpose, filename, 0, settings.maxFileBytes));
      const limit = maxBytesFor(purpose, settings.maxFileBytes);
      const id = createFileId();
      const createdAt = Math.floor(Date.now() / 1000);
      const counted = part.file.pipe(byteLimit(limit));
      part.file.once('error', (error) => counted.destroy(error));
      try {
        const bytes = await putFileContent(bus, id, counted, { ownerKeyId: settings.ownerKeyId, filename, createdAt });
        stored = { id, filename, bytes, createdAt };
      } catch (error) {
        part.file.destroy();
        if (error instanceof FileTooLargeError) throw fromOpenAIError(fileTooLarge(limit, purpose));
        throw error;
      }
    }
    if (!stored) throw fromOpenAIError(missingParameter('file'));
    if (purpose === undefined) throw fromOpenAIError(missingParameter('purpose'));
    unwrap(checkFileForPurpose(purpose, stored.filename, stored.bytes, settings.maxFileBytes));
    const record: FileRecord = { ...stored, purpose };
    await completeFile(bus, { ...record, ownerKeyId: settings.ownerKeyId });
    return record;
  } catch (error) {
    // Content stored for a form that then failed is never completed: remove it now.
    if (stored) await deleteFile(bus, stored.id).catch(() => undefined);
    throw multipartError(error);
  }
}

/** @fastify/multipart's and busboy's refusals of a malformed or oversized form, as client errors. */
function multipartError(error: unknown): unknown {
  if (error instanceof HttpError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'FST_PARTS_LIMIT' || code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT') {
    return new HttpError(413, FailureKind.InvalidRequest, 'The form has too many parts; send one file and its purpose.', { code: 'request_too_large' });
  }
  if (code === 'FST_REQ_FILE_TOO_LARGE') return new HttpError(413, FailureKind.InvalidRequest, 'The file is too large.', { code: 'request_too_large' });
  if (error instanceof Error && /multipart|boundary|terminated early|Unexpected end of form|Malformed/i.test(error.message)) {
    return new HttpError(400, FailureKind.InvalidRequest, `The multipart/form-data body could not be read: ${error.message}`, { code: 'invalid_request' });
  }
  return error;
}
