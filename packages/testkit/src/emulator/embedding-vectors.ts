import { hashString, Random } from './prng.ts';

/** A deterministic raw (unnormalised) vector for a text: what the legacy /api/embeddings returns. */
export function rawEmbedding(model: string, text: string, dimensions: number): number[] {
  const random = new Random(hashString(`${model}\u0000${text}`));
  const vector = new Array<number>(dimensions);
  for (let index = 0; index < dimensions; index++) vector[index] = random.next() * 2 - 1;
  return vector;
}

/**
 * The shortest decimal that reads back as the same float32, which is how Go marshals a float32
 * (0.010071029, not 0.010071029141545296).
 */
export function shortestFloat32(value: number): number {
  const single = Math.fround(value);
  for (let precision = 1; precision < 9; precision++) {
    const candidate = Number(single.toPrecision(precision));
    if (Math.fround(candidate) === single) return candidate;
  }
  return Number(single.toPrecision(9));
}

/** L2-normalises, with float32 values like Ollama's []float32 output. */
export function normalize(vector: readonly number[]): number[] {
  let sum = 0;
  for (const value of vector) sum += value * value;
  const norm = Math.sqrt(sum);
  return vector.map((value) => (norm === 0 ? 0 : shortestFloat32(value / norm)));
}

/** /api/embed: normalised; `dimensions` keeps the first d values and normalises again. */
export function embedVector(model: string, text: string, width: number, dimensions: number | undefined): number[] {
  const raw = rawEmbedding(model, text, width);
  if (dimensions !== undefined && dimensions > 0 && dimensions < width) return normalize(raw.slice(0, dimensions));
  return normalize(raw);
}
