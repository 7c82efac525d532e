import { randomFillSync } from 'node:crypto';

export const IdAlphabet = {
  mixedCase: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  /** OpenAI's batch ids are lower case. */
  lowerCase: 'abcdefghijklmnopqrstuvwxyz0123456789',
} as const;

/** Random bytes drawn in blocks: one system call serves many ids instead of one per id. */
const pool = new Uint8Array(4096);
let poolOffset = pool.length;

function randomByte(): number {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  return pool[poolOffset++]!;
}

/** Crypto-random identifier such as `chatcmpl-3fK9...`: unique, unguessable, URL-safe. */
export function createId(prefix: string, length = 24, alphabet: string = IdAlphabet.mixedCase): string {
  // Rejection keeps the distribution uniform: only bytes below the largest multiple of the alphabet's size (248 = 4 × 62) are used.
  const size = alphabet.length;
  const limit = 256 - (256 % size);
  let suffix = '';
  while (suffix.length < length) {
    const byte = randomByte();
    if (byte < limit) suffix += alphabet[byte % size];
  }
  return `${prefix}${suffix}`;
}

export const IdPrefix = {
  chatCompletion: 'chatcmpl-',
  completion: 'cmpl-',
  toolCall: 'call_',
  response: 'resp_',
  message: 'msg_',
  reasoning: 'rs_',
  functionCall: 'fc_',
  functionCallOutput: 'fco_',
  file: 'file-',
  batch: 'batch_',
} as const;
export type IdPrefix = (typeof IdPrefix)[keyof typeof IdPrefix];
