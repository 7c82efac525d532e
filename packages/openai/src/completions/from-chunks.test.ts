import { describe, expect, it } from 'vitest';
import type { GenerateChunk } from '@corral/ollama';
import { finalGenerateChunk, generateChunk, logprob, assertOpenAPI } from '../testing/index.ts';
import { validateAgainstOpenAPI } from '@corral/testkit/testing';
import { aggregateCompletion } from './aggregate.ts';
import { combineCompletionUsage, completionUsageChunk, createCompletionId, createCompletionStreamTranslator, type CompletionStreamOptions } from './from-chunks.ts';
import type { Completion } from './wire-types.ts';

const identity = { id: 'cmpl-test', model: 'llama3.2', created: 1755800000 };

/**
 * OpenAI's schema declares `finish_reason` non-nullable although its own streams send null
 * before the last chunk; everything else of a streamed chunk must match.
 */
function assertStreamChunk(chunk: Completion): void {
  if (chunk.choices.some((choice) => choice.finish_reason === null)) {
    expect(validateAgainstOpenAPI('CreateCompletionResponse', chunk).errors.join()).toMatch(/finish_reason/);
  }
  assertOpenAPI('CreateCompletionResponse', { ...chunk, choices: chunk.choices.map((choice) => ({ ...choice, finish_reason: choice.finish_reason ?? 'stop' })) });
}

function run(chunks: GenerateChunk[], options: Partial<CompletionStreamOptions> = {}): Completion[] {
  const translator = createCompletionStreamTranslator({ ...identity, includeUsage: false, logprobs: false, ...options });
  const output = chunks.flatMap((chunk) => translator.push(chunk));
  for (const chunk of output) assertStreamChunk(chunk);
  return output;
}

const texts = (output: Completion[]) => output.map((chunk) => chunk.choices.map((choice) => [choice.text, choice.finish_reason]));

describe('createCompletionStreamTranslator', () => {
  it('streams text then a final empty chunk with the finish reason (reference §5.4)', () => {
    const output = run([generateChunk('The'), generateChunk(' sky'), finalGenerateChunk({ done_reason: 'length' })]);
    expect(texts(output)).toEqual([[['The', null]], [[' sky', null]], [['', 'length']]]);
    expect(output[0]).toEqual({ ...identity, object: 'text_completion', choices: [{ text: 'The', index: 0, logprobs: null, finish_reason: null }] });
  });

  it('echoes the prompt first, then adds the usage chunk', () => {
    const output = run([generateChunk('blue'), finalGenerateChunk({ prompt_eval_count: 4, eval_count: 1 })], { echoPrompt: 'The sky is ', includeUsage: true });
    expect(texts(output)).toEqual([[['The sky is ', null]], [['blue', null]], [['', 'stop']], []]);
    expect(output[3]?.usage).toEqual({ prompt_tokens: 4, completion_tokens: 1, total_tokens: 5 });
  });

  it('returns legacy logprobs with running text offsets', () => {
    const output = run([generateChunk('Hi', { logprobs: [logprob('Hi', -0.1, [['Hi', -0.1], ['Hey', -2]])] }), finalGenerateChunk({ logprobs: [logprob(' you', -0.3)] }, )], {
      logprobs: true,
      echoPrompt: 'Say: ',
    });
    expect(output[1]?.choices[0]?.logprobs).toEqual({ tokens: ['Hi'], token_logprobs: [-0.1], top_logprobs: [{ Hi: -0.1, Hey: -2 }], text_offset: [5] });
    expect(output[2]?.choices[0]?.logprobs).toEqual({ tokens: [' you'], token_logprobs: [-0.3], top_logprobs: [{}], text_offset: [7] });
  });

  it('never returns reasoning', () => {
    expect(texts(run([generateChunk('', { thinking: 'hmm' }), generateChunk('ok'), finalGenerateChunk()]))).toEqual([[['ok', null]], [['', 'stop']]]);
  });
});

describe('completion usage', () => {
  it('counts each prompt once and every completion', () => {
    const usage = (prompt: number, completion: number) => ({ prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion });
    expect(
      combineCompletionUsage([
        { promptIndex: 0, usage: usage(5, 2) },
        { promptIndex: 0, usage: usage(5, 3) },
        { promptIndex: 1, usage: usage(7, 1) },
      ]),
    ).toEqual(usage(12, 6));
    const chunk = completionUsageChunk(identity, [{ promptIndex: 0, usage: usage(5, 2) }]);
    assertOpenAPI('CreateCompletionResponse', chunk);
    expect(chunk.choices).toEqual([]);
  });

  it('creates crypto-random cmpl- ids', () => {
    expect(createCompletionId()).toMatch(/^cmpl-[A-Za-z0-9]{24}$/);
  });
});

describe('aggregateCompletion', () => {
  const jobs = [
    { choiceIndex: 0, promptIndex: 0, prompt: 'A' },
    { choiceIndex: 1, promptIndex: 1, prompt: 'B' },
  ];

  it('builds one text_completion with every choice in order', () => {
    const completion = aggregateCompletion({ ...identity, echo: true, logprobs: false }, jobs, [
      [generateChunk('1'), finalGenerateChunk({ prompt_eval_count: 3, eval_count: 1 })],
      [generateChunk('2'), generateChunk('2'), finalGenerateChunk({ done_reason: 'length', prompt_eval_count: 4, eval_count: 2 })],
    ]);
    assertOpenAPI('CreateCompletionResponse', completion);
    expect(completion).toEqual({
      ...identity,
      object: 'text_completion',
      choices: [
        { text: 'A1', index: 0, logprobs: null, finish_reason: 'stop' },
        { text: 'B22', index: 1, logprobs: null, finish_reason: 'length' },
      ],
      usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 },
    });
  });

  it('concatenates logprobs', () => {
    const completion = aggregateCompletion({ ...identity, echo: false, logprobs: true }, [jobs[0] ?? { choiceIndex: 0, promptIndex: 0, prompt: '' }], [
      [generateChunk('a', { logprobs: [logprob('a', -1)] }), generateChunk('b', { logprobs: [logprob('b', -2)] }), finalGenerateChunk()],
    ]);
    assertOpenAPI('CreateCompletionResponse', completion);
    expect(completion.choices[0]?.logprobs).toEqual({ tokens: ['a', 'b'], token_logprobs: [-1, -2], top_logprobs: [{}, {}], text_offset: [0, 1] });
  });
});
