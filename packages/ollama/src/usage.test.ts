import { describe, expect, it } from 'vitest';
import { usageFromDone } from './usage.ts';

describe('usageFromDone', () => {
  it('takes counters and timings from a final chat chunk', () => {
    const final = {
      model: 'llama3.2',
      created_at: '2023-08-04T19:22:45.499127Z',
      message: { role: 'assistant', content: '' },
      done: true,
      done_reason: 'stop',
      total_duration: 4883583458,
      load_duration: 1334875,
      prompt_eval_count: 26,
      prompt_eval_duration: 342546000,
      eval_count: 282,
      eval_duration: 4535599000,
    };
    expect(usageFromDone(final)).toStrictEqual({
      promptTokens: 26,
      completionTokens: 282,
      totalDurationNs: 4883583458,
      loadDurationNs: 1334875,
      promptEvalDurationNs: 342546000,
      evalDurationNs: 4535599000,
    });
  });

  it.each([
    ['counts missing counters as zero and omits missing timings', { done: true }, {}, { promptTokens: 0, completionTokens: 0 }],
    ['ignores eval_count for embeddings', { prompt_eval_count: 8, eval_count: 3, total_duration: 10 }, { completion: false }, { promptTokens: 8, completionTokens: 0, totalDurationNs: 10 }],
    ['ignores values that are not counts', { prompt_eval_count: '26', eval_count: -1 }, {}, { promptTokens: 0, completionTokens: 0 }],
    ['ignores fractional counts', { prompt_eval_count: 2.5, eval_count: 3 }, {}, { promptTokens: 0, completionTokens: 3 }],
    ['ignores durations that are not durations', { eval_count: 1, total_duration: -5, load_duration: '7', eval_duration: 0 }, {}, { promptTokens: 0, completionTokens: 1, evalDurationNs: 0 }],
    ['reads nothing from an array', [26, 282], {}, { promptTokens: 0, completionTokens: 0 }],
  ])('%s', (_case, done, options, usage) => {
    expect(usageFromDone(done, options)).toStrictEqual(usage);
  });
});
