import type { FastifyInstance } from 'fastify';
import type { Readable, Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { FailureKind, HttpError } from '../errors/http-error.ts';

const DECODERS: Record<string, () => Transform> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/** The stream fastify reads the body from; `receivedEncodedLength` lets it check Content-Length against the bytes that arrived. */
type DecodedBody = Transform & { receivedEncodedLength?: number };

/**
 * Accepts request bodies sent compressed (`Content-Encoding: gzip`, `deflate` or `br`), as some
 * HTTP clients and proxies send large batches. The body limit applies to the decompressed bytes,
 * so a small compressed body cannot expand past it; an encoding Corral cannot read is a 415.
 */
export function installRequestDecoding(app: FastifyInstance): void {
  app.addHook('preParsing', async (request, _reply, payload) => {
    const header = request.headers['content-encoding'];
    if (header === undefined) return payload;
    const encoding = header.trim().toLowerCase();
    if (encoding === '' || encoding === 'identity') return payload;
    const createDecoder = DECODERS[encoding];
    if (!createDecoder) {
      throw new HttpError(415, FailureKind.InvalidRequest, `Unsupported Content-Encoding '${header}'; send the body uncompressed, or compressed with gzip, deflate or br.`, {
        code: 'unsupported_content_encoding',
      });
    }
    const decoded: DecodedBody = createDecoder();
    let encodedLength = 0;
    (payload as Readable).on('data', (chunk: Buffer) => {
      encodedLength += chunk.length;
      decoded.receivedEncodedLength = encodedLength;
    });
    (payload as Readable).pipe(decoded);
    return decoded;
  });
}

/** A zlib failure while reading a compressed body: the client sent bytes that do not decompress. */
export function isDecompressionError(error: unknown): boolean {
  const code = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^(Z_|ERR_ZLIB|ERR_BROTLI)/.test(code);
}
