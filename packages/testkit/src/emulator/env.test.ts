import { describe, expect, it } from 'vitest';
import { emulatorOptionsFromEnv } from './env.ts';

describe('emulatorOptionsFromEnv', () => {
  it('defaults to Ollama-like settings', () => {
    expect(emulatorOptionsFromEnv({})).toEqual({
      host: '127.0.0.1',
      port: 11435,
      tokensPerReply: 12,
      tokenDelayMs: 0,
      numParallel: 1,
      maxQueue: 512,
      loadDelayMs: 0,
      embedCallDelayMs: 0,
      embedTokensPerSecond: 0,
      keepAlive: '5m',
    });
  });

  it('reads every knob, with OLLAMA_NUM_PARALLEL as a fallback', () => {
    expect(
      emulatorOptionsFromEnv({
        EMULATOR_PORT: '0',
        EMULATOR_HOST: '0.0.0.0',
        EMULATOR_TOKENS: '3',
        EMULATOR_TOKEN_DELAY_MS: '20',
        OLLAMA_NUM_PARALLEL: '8',
        EMULATOR_MAX_QUEUE: '4',
        EMULATOR_LOAD_DELAY_MS: '100',
        EMULATOR_KEEP_ALIVE: '-1',
        EMULATOR_EMBED_CALL_DELAY_MS: '5',
        EMULATOR_EMBED_TOKENS_PER_SECOND: '40000',
      }),
    ).toEqual({ host: '0.0.0.0', port: 0, tokensPerReply: 3, tokenDelayMs: 20, numParallel: 8, maxQueue: 4, loadDelayMs: 100, embedCallDelayMs: 5, embedTokensPerSecond: 40000, keepAlive: -1 });
    expect(emulatorOptionsFromEnv({ EMULATOR_NUM_PARALLEL: '2', OLLAMA_NUM_PARALLEL: '8' }).numParallel).toBe(2);
    expect(emulatorOptionsFromEnv({ EMULATOR_KEEP_ALIVE: '10m' }).keepAlive).toBe('10m');
  });

  it('refuses nonsense', () => {
    expect(() => emulatorOptionsFromEnv({ EMULATOR_PORT: 'abc' })).toThrow(/EMULATOR_PORT/);
    expect(() => emulatorOptionsFromEnv({ EMULATOR_NUM_PARALLEL: '0' })).toThrow(/EMULATOR_NUM_PARALLEL/);
  });
});
