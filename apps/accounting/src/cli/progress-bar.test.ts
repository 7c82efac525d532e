import { describe, expect, it } from 'vitest';
import { donePercent, progressSink, renderProgressBar } from './progress-bar.ts';

describe('renderProgressBar', () => {
  it.each([
    { counts: { total: 50_000, completed: 3_512, failed: 0 }, status: 'in_progress', line: '[#-------------------]   3,512/50,000    7%  in_progress' },
    { counts: { total: 50_000, completed: 25_000, failed: 0 }, status: 'in_progress', line: '[##########----------]  25,000/50,000   50%  in_progress' },
    { counts: { total: 10, completed: 10, failed: 0 }, status: 'completed', line: '[####################]  10/10  100%  completed' },
    { counts: { total: 0, completed: 0, failed: 0 }, status: 'validating', line: '[--------------------]  0/0    0%  validating' },
    { counts: { total: 1_000, completed: 390, failed: 10 }, status: 'cancelling', line: '[########------------]    400/1,000   40%  cancelling  (10 failed)' },
  ])('renders $status at $counts.completed+$counts.failed of $counts.total', ({ counts, status, line }) => {
    expect(renderProgressBar(counts, status)).toBe(line);
  });

  it('keeps the same width while the count grows, so a redraw does not shift', () => {
    const widths = [0, 7, 512, 49_999, 50_000].map((completed) => renderProgressBar({ total: 50_000, completed, failed: 0 }, 'in_progress').length);
    expect(new Set(widths).size).toBe(1);
  });

  it('draws a bar of the asked width', () => {
    expect(renderProgressBar({ total: 4, completed: 1, failed: 0 }, 'in_progress', 8)).toBe('[##------]  1/4   25%  in_progress');
  });
});

describe('donePercent', () => {
  it('rounds down, so 100 % means every line is in', () => {
    expect(donePercent({ total: 1_000, completed: 999, failed: 0 })).toBe(99);
    expect(donePercent({ total: 1_000, completed: 998, failed: 2 })).toBe(100);
    expect(donePercent({ total: 0, completed: 0, failed: 0 })).toBe(0);
  });
});

describe('progressSink', () => {
  it('redraws one line in place on a terminal and ends it with a newline', () => {
    const written: string[] = [];
    const sink = progressSink((text) => written.push(text), true);
    sink.show('a long line');
    sink.show('a long line');
    sink.show('short');
    sink.finish();
    expect(written).toEqual(['\ra long line\u001b[K', '\rshort\u001b[K', '\n']);
  });

  it('prints one line per change elsewhere', () => {
    const written: string[] = [];
    const sink = progressSink((text) => written.push(text), false);
    sink.show('one');
    sink.show('one');
    sink.show('two');
    sink.finish();
    expect(written).toEqual(['one\n', 'two\n']);
  });

  it('writes nothing at the end when nothing was shown', () => {
    const written: string[] = [];
    progressSink((text) => written.push(text), true).finish();
    expect(written).toEqual([]);
  });
});
