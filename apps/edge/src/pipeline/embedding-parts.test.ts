import { describe, expect, it } from 'vitest';
import { embeddingPartCount, MIN_INPUTS_PER_PART, type EmbeddingBatch } from './embedding-parts.ts';
import { ASSUMED_VECTOR_WIDTH, EmbeddingWidths } from './embedding-widths.ts';

const MIB = 1024 * 1024;
const small: Omit<EmbeddingBatch, 'inputCount' | 'candidateWorkers'> = { inputCharacters: 100, vectorWidth: 8, maxPayloadBytes: MIB };

describe('embeddingPartCount', () => {
  it.each([
    [1, 4, 1],
    [MIN_INPUTS_PER_PART * 2 - 1, 4, 1],
    [MIN_INPUTS_PER_PART * 2, 4, 2],
    [256, 2, 2],
    [256, 64, 256 / MIN_INPUTS_PER_PART],
    [256, 0, 1],
    [3, 3, 1],
  ])('%i small inputs over %i candidate workers → %i parts', (inputCount, candidateWorkers, parts) => {
    expect(embeddingPartCount({ ...small, inputCount, candidateWorkers })).toBe(parts);
  });

  it('never makes a part smaller than the minimum for parallelism alone', () => {
    for (let inputCount = 1; inputCount <= 100; inputCount++) {
      for (let candidateWorkers = 1; candidateWorkers <= 6; candidateWorkers++) {
        const parts = embeddingPartCount({ ...small, inputCount, candidateWorkers });
        expect(parts === 1 || Math.floor(inputCount / parts) >= MIN_INPUTS_PER_PART).toBe(true);
      }
    }
  });

  it('cuts a batch whose vectors would not fit in one NATS message, even on one worker', () => {
    const parts = embeddingPartCount({ inputCount: 2048, inputCharacters: 2048 * 40, candidateWorkers: 1, vectorWidth: 768, maxPayloadBytes: MIB });
    const perPart = Math.ceil(2048 / parts);
    expect(perPart * 768 * 16).toBeLessThanOrEqual(MIB);
    expect(parts).toBeLessThan(64);
  });

  it('cuts a batch whose texts would not fit in one job', () => {
    const parts = embeddingPartCount({ inputCount: 100, inputCharacters: 100 * 40_000, candidateWorkers: 1, vectorWidth: 8, maxPayloadBytes: MIB });
    expect(Math.ceil(100 / parts) * 40_000).toBeLessThan(MIB);
  });

  it('gives every input its own part at most', () => {
    expect(embeddingPartCount({ inputCount: 3, inputCharacters: 30, candidateWorkers: 1, vectorWidth: 1_000_000, maxPayloadBytes: MIB })).toBe(3);
  });
});

describe('EmbeddingWidths', () => {
  it('assumes a wide model until one answered, and ignores replies shortened by dimensions', () => {
    const widths = new EmbeddingWidths();
    expect(widths.widthOf('m', undefined)).toBe(ASSUMED_VECTOR_WIDTH);
    expect(widths.widthOf('m', 64)).toBe(64);
    widths.remember('m', [[0.1, 0.2]], 2);
    expect(widths.widthOf('m', undefined)).toBe(ASSUMED_VECTOR_WIDTH);
    widths.remember('m', [[0.1, 0.2, 0.3]], undefined);
    expect(widths.widthOf('m', undefined)).toBe(3);
    expect(widths.widthOf('m', 64)).toBe(3);
    expect(widths.widthOf('other', undefined)).toBe(ASSUMED_VECTOR_WIDTH);
  });
});
