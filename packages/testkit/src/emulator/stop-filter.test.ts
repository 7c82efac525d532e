import { describe, expect, it } from 'vitest';
import { StopFilter } from './stop-filter.ts';

function run(tokens: string[], stops: string[]): { emitted: string[]; stopped: boolean; rest: string } {
  const filter = new StopFilter(stops);
  const emitted: string[] = [];
  for (const token of tokens) {
    const text = filter.push(token);
    if (text) emitted.push(text);
    if (filter.stopped) break;
  }
  return { emitted, stopped: filter.stopped, rest: filter.flush() };
}

describe('StopFilter', () => {
  it('passes tokens through without stop strings', () => {
    expect(run(['a', ' b'], [])).toEqual({ emitted: ['a', ' b'], stopped: false, rest: '' });
  });

  it('cuts before a stop string inside a token', () => {
    expect(run(['one', ' two', ' three'], ['tw'])).toEqual({ emitted: ['one', ' '], stopped: true, rest: '' });
  });

  it('holds back a possible stop prefix and releases it when it does not match', () => {
    const result = run(['one', ' t', 'ree', ' four'], [' tw']);
    expect(result.emitted).toEqual(['one', ' tree', ' four']);
    expect(result.stopped).toBe(false);
  });

  it('finds a stop string spanning tokens', () => {
    expect(run(['one', ' t', 'wo', ' x'], ['two'])).toEqual({ emitted: ['one', ' '], stopped: true, rest: '' });
  });

  it('keeps a held prefix for the final flush', () => {
    expect(run(['one', ' t'], [' tw'])).toEqual({ emitted: ['one'], stopped: false, rest: ' t' });
  });
});
