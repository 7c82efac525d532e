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
  // A float32 takes 6 to 9 digits in all but rare cases. Fewer digits than a failing count never fit
  // either (a grid of n digits holds every point of the grid of n - 1), so one try at 6 spares most
  // values five tries below it.
  const six = Number(single.toPrecision(6));
  const first = Math.fround(six) === single ? 1 : 7;
  for (let precision = first; precision < 9; precision++) {
    if (precision === 6) return six;
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

/** Values in an /api/embed vector: `dimensions` when it asks for fewer than the model's width. */
export function vectorWidth(width: number, dimensions: number | undefined): number {
  return dimensions !== undefined && dimensions > 0 && dimensions < width ? dimensions : width;
}

/** /api/embed: normalised; `dimensions` keeps the first d values and normalises again. */
export function embedVector(model: string, text: string, width: number, dimensions: number | undefined): number[] {
  // The generator yields values in order, so the first `dimensions` of them are the full vector's prefix.
  return normalize(rawEmbedding(model, text, vectorWidth(width, dimensions)));
}
