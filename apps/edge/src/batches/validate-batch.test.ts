import { describe, expect, it } from 'vitest';
import { LINES_PER_SLICE, pacedLines } from './validate-batch.ts';

async function* linesOf(count: number): AsyncIterable<string> {
  for (let index = 1; index <= count; index++) yield `line ${index}`;
}

describe('pacedLines', () => {
  it('hands over every line in order, with one pacer turn per slice of lines', async () => {
    const turns: number[] = [];
    let read = 0;
    let slice = 0;
    const pacer = {
      sliceStart: () => 0,
      turn: async (startedAt: number) => {
        // Each turn ends the slice that began at the value the previous turn resolved with.
        expect(startedAt).toBe(slice);
        turns.push(read);
        return ++slice;
      },
    };
    const seen: string[] = [];
    for await (const line of pacedLines(linesOf(LINES_PER_SLICE * 3 + 5), pacer)) {
      seen.push(line);
      read++;
    }
    expect(seen).toHaveLength(LINES_PER_SLICE * 3 + 5);
    expect(seen[0]).toBe('line 1');
    expect(seen.at(-1)).toBe(`line ${LINES_PER_SLICE * 3 + 5}`);
    // A turn comes before the 64th, 128th and 192nd lines are handed over: never more than a slice at a stretch.
    expect(turns).toEqual([LINES_PER_SLICE - 1, 2 * LINES_PER_SLICE - 1, 3 * LINES_PER_SLICE - 1]);
  });
});
