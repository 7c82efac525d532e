import { PROTOCOL_VERSION } from '../version.ts';

interface ChunkReply {
  text: string;
  requestId: string;
  seq: number;
}

/**
 * Each chunk reply, by the native chunk object decoded from it; weakly held, so it goes when the
 * chunk does. A dialect that writes Ollama's own format (the edge's /api/chat) can then send the
 * worker's line on as it came instead of encoding the parsed object again.
 */
const replies = new WeakMap<object, ChunkReply>();

/** Called by decodeWorkerReply for every chunk reply it decodes. */
export function rememberChunkReply(data: object, reply: ChunkReply): void {
  replies.set(data, reply);
}

/**
 * The native line a chunk reply carried, exactly as the worker forwarded it from Ollama; undefined
 * when the chunk was not decoded from a reply, or the reply is not in encodeRawChunk's layout (then
 * the line's bounds inside it are not known for sure).
 */
export function rawChunkLine(data: object): string | undefined {
  const reply = replies.get(data);
  if (reply === undefined) return undefined;
  const prefix = `{"v":${PROTOCOL_VERSION},"type":"chunk","requestId":${JSON.stringify(reply.requestId)},"seq":${reply.seq},"data":`;
  if (!reply.text.startsWith(prefix) || !reply.text.endsWith('}')) return undefined;
  return reply.text.slice(prefix.length, -1);
}
