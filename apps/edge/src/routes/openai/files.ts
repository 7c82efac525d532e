import multipart from '@fastify/multipart';
import { deleteFile, fileInfo, FileStoreError, listFiles, readFileContent, type StoredFile } from '@corral/bus';
import { deletedFile, fileNotFound, listFilePage, parseFileListQuery, toOpenAIFile, type FileList, type OpenAIFile } from '@corral/openai';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EdgeContext } from '../../context.ts';
import { fromOpenAIError, unwrap } from '../../dialects/openai/errors.ts';
import { receiveUpload } from '../../dialects/openai/file-upload.ts';
import { contentTypeOf } from '../../dialects/openai/file-content-type.ts';
import { FailureKind, HttpError } from '../../errors/http-error.ts';
import { identifyCaller } from '../../pipeline/access.ts';

const ENDPOINT = '/v1/files';

/**
 * OpenAI's Files API over the JetStream object store. Every file belongs to the key that uploaded
 * it: for any other key it does not exist (the same 404 as a missing id).
 */
export function registerFileRoutes(app: FastifyInstance, context: EdgeContext): void {
  // Its own plugin scope: only this route parses multipart, and the JSON body limit is not its limit.
  void app.register(async (files) => {
    await files.register(multipart, {
      limits: {
        // Our own byte counter refuses an oversized file first, with OpenAI's 413; busboy's cap is a backstop.
        fileSize: context.config.FILES_MAX_BYTES + 1024 * 1024,
        files: 1,
        fields: 8,
        fieldSize: 1024,
        parts: 10,
      },
      throwFileSizeLimit: true,
    });
    files.post(ENDPOINT, (request) => uploadFile(context, request));
  });
  app.get(ENDPOINT, (request) => listOwnFiles(context, request));
  app.get(`${ENDPOINT}/:id`, async (request) => toOpenAIFile(await ownFile(context, request)));
  app.get(`${ENDPOINT}/:id/content`, (request, reply) => sendContent(context, request, reply));
  app.delete(`${ENDPOINT}/:id`, (request) => removeFile(context, request));
}

/** Files spend nothing: a key whose budget is spent still uploads, lists, downloads and deletes its own. */
function ownerKeyIdOf(context: EdgeContext, request: FastifyRequest): string {
  return identifyCaller(context, request.headers, { spending: false }).key?.id ?? '';
}

/** The file store's outages are a 503 the client may retry, never a 500. */
async function storeCall<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof FileStoreError) {
      throw new HttpError(503, FailureKind.Unavailable, 'The file store is unavailable; try again shortly.', { code: 'service_unavailable', retryAfterSeconds: 2 });
    }
    throw error;
  }
}

async function uploadFile(context: EdgeContext, request: FastifyRequest): Promise<OpenAIFile> {
  const ownerKeyId = ownerKeyIdOf(context, request);
  const record = await storeCall(() => receiveUpload(context.bus, request, { maxFileBytes: context.config.FILES_MAX_BYTES, ownerKeyId }));
  context.logger.info({ fileId: record.id, purpose: record.purpose, bytes: record.bytes }, 'file uploaded');
  return toOpenAIFile(record);
}

async function listOwnFiles(context: EdgeContext, request: FastifyRequest): Promise<FileList> {
  const ownerKeyId = ownerKeyIdOf(context, request);
  const query = unwrap(parseFileListQuery(request.query as Record<string, unknown>));
  const files = await storeCall(() => listFiles(context.bus));
  return listFilePage(
    files.filter((file) => file.ownerKeyId === ownerKeyId),
    query,
  );
}

/** The caller's file; a missing id and another key's file are the same 404. */
async function ownFile(context: EdgeContext, request: FastifyRequest): Promise<StoredFile> {
  const ownerKeyId = ownerKeyIdOf(context, request);
  const id = (request.params as { id: string }).id;
  const file = await storeCall(() => fileInfo(context.bus, id));
  if (!file || file.ownerKeyId !== ownerKeyId) throw fromOpenAIError(fileNotFound(id));
  return file;
}

async function sendContent(context: EdgeContext, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const file = await ownFile(context, request);
  const content = await storeCall(() => readFileContent(context.bus, file.id));
  // Deleted between the two reads.
  if (!content) throw fromOpenAIError(fileNotFound(file.id));
  return reply
    .type(contentTypeOf(file.filename))
    .header('content-length', String(file.bytes))
    .header('content-disposition', `attachment; filename="${encodeURIComponent(file.filename)}"`)
    .send(content);
}

async function removeFile(context: EdgeContext, request: FastifyRequest): Promise<ReturnType<typeof deletedFile>> {
  const file = await ownFile(context, request);
  await storeCall(() => deleteFile(context.bus, file.id));
  context.logger.info({ fileId: file.id }, 'file deleted');
  return deletedFile(file.id);
}
