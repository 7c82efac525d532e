import { customIdOf, type BatchShape } from './inputs.ts';

export interface OutputCheck {
  lines: number;
  /** Lines whose custom_id appeared before (must be 0). */
  duplicates: number;
  /** Lines of the input with no output line (must be 0). */
  missing: number;
  /** Lines that are not a 200 with one vector per input. */
  failed: number;
  /** Vectors that differ from what the emulator answered directly for the same input (must be 0). */
  differentVectors: number;
}

interface OutputLine {
  custom_id: string;
  response: { status_code: number; body: { data?: { index: number; embedding: number[] }[] } } | null;
}

/** Checks a batch output against the direct path's vectors: every line once, every vector the same. */
export function checkOutput(content: string, shape: BatchShape, directVectors: readonly number[][]): OutputCheck {
  const lineOf = new Map<string, number>();
  for (let line = 0; line < shape.lines; line++) lineOf.set(customIdOf(line), line);
  const seen = new Set<string>();
  const check: OutputCheck = { lines: 0, duplicates: 0, missing: 0, failed: 0, differentVectors: 0 };
  for (const text of content.split('\n')) {
    if (text === '') continue;
    check.lines++;
    const output = JSON.parse(text) as OutputLine;
    if (seen.has(output.custom_id)) check.duplicates++;
    seen.add(output.custom_id);
    const line = lineOf.get(output.custom_id);
    const data = output.response?.status_code === 200 ? output.response.body.data : undefined;
    if (line === undefined || !data || data.length !== shape.inputsPerLine) {
      check.failed++;
      continue;
    }
    for (const item of data) {
      const expected = directVectors[line * shape.inputsPerLine + item.index];
      if (!expected || expected.length !== item.embedding.length || expected.some((value, at) => value !== item.embedding[at])) check.differentVectors++;
    }
  }
  check.missing = shape.lines - seen.size;
  return check;
}
