import { randomFillSync } from 'node:crypto';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

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
export function createId(prefix: string, length = 24): string {
  // 62 letters: rejection keeps the distribution uniform (248 = 4 × 62).
  let suffix = '';
  while (suffix.length < length) {
    const byte = randomByte();
    if (byte < 248) suffix += alphabet[byte % 62];
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
} as const;
export type IdPrefix = (typeof IdPrefix)[keyof typeof IdPrefix];
