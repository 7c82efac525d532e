import { ErrorBody } from './error-body.ts';

/**
 * Classifies one NDJSON line of an Ollama stream without parsing ordinary token lines. Go's encoder
 * writes no spaces, so a final chunk always contains `"done":true`; inside strings quotes are
 * escaped, so the substring only appears structurally. It can still appear nested (tool-call
 * arguments), hence the parse that confirms it. An in-band error line has no `done` field at all.
 */
export type ChunkLine =
  | { kind: 'chunk' }
  | { kind: 'final'; data: Record<string, unknown> }
  | { kind: 'error'; message: string }
  | { kind: 'malformed' };

const CHUNK: ChunkLine = { kind: 'chunk' };
const MALFORMED: ChunkLine = { kind: 'malformed' };

export function classifyLine(line: string): ChunkLine {
  // Callers forward the line verbatim inside a JSON message (the job stream does): it must be one object.
  if (line.charCodeAt(0) !== 0x7b /* { */ || line.charCodeAt(line.length - 1) !== 0x7d /* } */) return MALFORMED;
  const mayBeFinal = line.includes('"done":true');
  if (!mayBeFinal && line.includes('"done"')) return CHUNK;

  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return MALFORMED;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return MALFORMED;
  const record = parsed as Record<string, unknown>;
  if (record.done === true) return { kind: 'final', data: record };
  const error = ErrorBody.safeParse(record);
  if (error.success) return { kind: 'error', message: error.data.error };
  return CHUNK;
}
