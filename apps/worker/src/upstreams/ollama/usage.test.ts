import { Usage } from '@corral/protocol';
import { describe, expect, it } from 'vitest';
import { usageFromNative } from './usage.ts';

describe('usageFromNative', () => {
  it('takes counters and timings from a final chat chunk', () => {
    const final = {
      done: true,
      total_duration: 4883583458,
      load_duration: 1334875,
      prompt_eval_count: 26,
      prompt_eval_duration: 342546000,
      eval_count: 282,
      eval_duration: 4535599000,
    };
    const usage = usageFromNative(final);
    expect(usage).toEqual({
      promptTokens: 26,
      completionTokens: 282,
      totalDurationNs: 4883583458,
      loadDurationNs: 1334875,
      promptEvalDurationNs: 342546000,
      evalDurationNs: 4535599000,
    });
    expect(Usage.parse(usage)).toEqual(usage);
  });

  it('counts missing counters as zero and omits missing timings', () => {
    expect(usageFromNative({ done: true })).toEqual({ promptTokens: 0, completionTokens: 0 });
  });

  it('ignores eval_count for embeddings', () => {
    expect(usageFromNative({ prompt_eval_count: 8, eval_count: 3, total_duration: 10 }, { completion: false })).toEqual({
      promptTokens: 8,
      completionTokens: 0,
      totalDurationNs: 10,
    });
  });

  it('ignores values that are not counts', () => {
    expect(usageFromNative({ prompt_eval_count: '26', eval_count: -1 })).toEqual({ promptTokens: 0, completionTokens: 0 });
  });
});
