/** The benchmark's documents: deterministic, varied texts, the same on both paths. */

export const EMBED_MODEL = 'all-minilm';

const SUBJECTS = ['the lighthouse keeper', 'a tidal estuary', 'the night ferry', 'an old harbour crane', 'the fishing fleet', 'a coastal storm', 'the pilot boat', 'a sandbank'];
const VERBS = ['counts', 'watches', 'records', 'measures', 'remembers', 'describes'];
const OBJECTS = ['waves at dusk', 'the spring tide', 'gulls over the pier', 'fog on the water', 'lights along the shore', 'ships leaving port'];

/** Input `index` of the batch (every text distinct, ~12 tokens). */
export function documentText(index: number): string {
  return `Document ${index}: ${SUBJECTS[index % SUBJECTS.length]} ${VERBS[index % VERBS.length]} ${OBJECTS[index % OBJECTS.length]}.`;
}

export interface BatchShape {
  lines: number;
  inputsPerLine: number;
  dimensions: number;
}

/** The inputs of line `line`, in order. */
export function lineInputs(shape: BatchShape, line: number): string[] {
  return Array.from({ length: shape.inputsPerLine }, (_, offset) => documentText(line * shape.inputsPerLine + offset));
}

export function customIdOf(line: number): string {
  return `doc-${line}`;
}

/** The batch input file: one /v1/embeddings request per line. */
export function batchInputFile(shape: BatchShape): string {
  const lines: string[] = [];
  for (let line = 0; line < shape.lines; line++) {
    const body = { model: EMBED_MODEL, input: lineInputs(shape, line), dimensions: shape.dimensions };
    lines.push(JSON.stringify({ custom_id: customIdOf(line), method: 'POST', url: '/v1/embeddings', body }));
  }
  return lines.join('\n') + '\n';
}

/** Every input of the batch, in line order. */
export function allInputs(shape: BatchShape): string[] {
  return Array.from({ length: shape.lines * shape.inputsPerLine }, (_, index) => documentText(index));
}
