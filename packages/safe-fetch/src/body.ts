import { SafeFetchError } from './errors.ts';

/** Reads a body into memory, failing as soon as it grows past maxBytes rather than after. */
export async function readCapped(body: AsyncIterable<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.byteLength;
    if (total > maxBytes) throw new SafeFetchError('too_large', `body exceeds ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** Refuses up front when the server already declares a body too large. */
export function assertDeclaredLength(contentLength: string | undefined, maxBytes: number): void {
  if (contentLength === undefined) return;
  const declared = Number(contentLength);
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new SafeFetchError('too_large', `declared body of ${declared} bytes exceeds ${maxBytes} bytes`);
  }
}
