import { integer, optionalString, parseEnv } from '@corral/config';
import { z } from 'zod';
import type { EmulatorOptions } from './types.ts';

const EmulatorEnv = z.object({
  /** Port to listen on. Default: 11435, beside Ollama's own 11434 so both can run on one host. */
  EMULATOR_PORT: integer(11435),
  /** Interface to bind. Default: 127.0.0.1. */
  EMULATOR_HOST: optionalString,
  /** Content tokens per reply. Default: 12. */
  EMULATOR_TOKENS: integer(12),
  /** Delay before each token, simulating GPU speed. Default: 0. */
  EMULATOR_TOKEN_DELAY_MS: integer(0),
  /** Parallel slots per model. Default: OLLAMA_NUM_PARALLEL, else 1. */
  EMULATOR_NUM_PARALLEL: optionalString,
  OLLAMA_NUM_PARALLEL: optionalString,
  /** Requests allowed to wait for a model load. Default: 512. */
  EMULATOR_MAX_QUEUE: integer(512),
  /** Time a model load takes. Default: 0. */
  EMULATOR_LOAD_DELAY_MS: integer(0),
  /** Time every /api/embed call holds the slot, like a GPU's per-batch cost. Default: 0. */
  EMULATOR_EMBED_CALL_DELAY_MS: integer(0),
  /** Embedding speed in prompt tokens per second (0 = instant). Default: 0. */
  EMULATOR_EMBED_TOKENS_PER_SECOND: integer(0),
  /** Default keep-alive (Go duration or seconds). Default: 5m. */
  EMULATOR_KEEP_ALIVE: optionalString,
});

/** Emulator options from the environment (used by `pnpm emulator`). */
export function emulatorOptionsFromEnv(env: Record<string, string | undefined>): EmulatorOptions {
  const parsed = parseEnv(EmulatorEnv, env);
  const parallel = parsed.EMULATOR_NUM_PARALLEL ?? parsed.OLLAMA_NUM_PARALLEL ?? '1';
  const numParallel = Number(parallel);
  if (!Number.isInteger(numParallel) || numParallel < 1) {
    throw new Error(`invalid configuration:\n  EMULATOR_NUM_PARALLEL: expected a positive integer, got ${parallel}`);
  }
  const keepAlive = parsed.EMULATOR_KEEP_ALIVE;
  return {
    host: parsed.EMULATOR_HOST ?? '127.0.0.1',
    port: parsed.EMULATOR_PORT,
    tokensPerReply: parsed.EMULATOR_TOKENS,
    tokenDelayMs: parsed.EMULATOR_TOKEN_DELAY_MS,
    numParallel,
    maxQueue: parsed.EMULATOR_MAX_QUEUE,
    loadDelayMs: parsed.EMULATOR_LOAD_DELAY_MS,
    embedCallDelayMs: parsed.EMULATOR_EMBED_CALL_DELAY_MS,
    embedTokensPerSecond: parsed.EMULATOR_EMBED_TOKENS_PER_SECOND,
    // Like OLLAMA_KEEP_ALIVE: a bare integer is seconds.
    keepAlive: keepAlive === undefined ? '5m' : /^-?\d+$/.test(keepAlive) ? Number(keepAlive) : keepAlive,
  };
}
