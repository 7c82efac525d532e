/** Inputs of an embeddings line's body: a string or one token array is one, an array of them is its length. */
export function embedInputCount(body: Record<string, unknown>): number {
  const input = body.input;
  if (!Array.isArray(input) || input.length === 0 || typeof input[0] === 'number') return 1;
  return input.length;
}
