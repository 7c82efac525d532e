import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dirname, join, relative } from 'node:path';
import { hasOpenAPISchema, openAPIDocumentPath, openAPIVariantName, validateAgainstOpenAPI, validateAgainstOpenAPIVariant } from './validator.ts';

const chunk = {
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1755800000,
  model: 'qwen3',
  choices: [{ index: 0, delta: { role: 'assistant', content: 'Hi' }, finish_reason: null }],
};

describe('validateAgainstOpenAPI', () => {
  it('finds the document inside the repository', () => {
    // A user's clone is all there is: the document must be one of the repository's own files.
    let root = dirname(openAPIDocumentPath());
    while (!existsSync(join(root, 'pnpm-workspace.yaml')) && dirname(root) !== root) root = dirname(root);
    expect(existsSync(join(root, 'pnpm-workspace.yaml'))).toBe(true);
    expect(relative(root, openAPIDocumentPath()).startsWith('..')).toBe(false);
    expect(existsSync(openAPIDocumentPath())).toBe(true);
  });

  it.each([
    ['ErrorResponse', { error: { message: 'bad', type: 'invalid_request_error', param: 'model', code: null } }],
    ['CreateChatCompletionStreamResponse', chunk],
    ['ListModelsResponse', { object: 'list', data: [{ id: 'qwen3', object: 'model', created: 1, owned_by: 'library' }] }],
    ['Model', { id: 'qwen3', object: 'model', created: 1, owned_by: 'library' }],
    ['CreateEmbeddingResponse', { object: 'list', data: [{ object: 'embedding', embedding: [0.1], index: 0 }], model: 'm', usage: { prompt_tokens: 1, total_tokens: 1 } }],
    [
      'CreateCompletionResponse',
      { id: 'cmpl-1', object: 'text_completion', created: 1, model: 'm', choices: [{ text: 'x', index: 0, logprobs: null, finish_reason: 'stop' }] },
    ],
    [
      'CreateChatCompletionResponse',
      {
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 1,
        model: 'm',
        choices: [{ index: 0, message: { role: 'assistant', content: null, refusal: null }, logprobs: null, finish_reason: 'stop' }],
      },
    ],
  ])('accepts a valid %s', (schemaName, value) => {
    expect(validateAgainstOpenAPI(schemaName, value)).toEqual({ valid: true, errors: [] });
  });

  it.each([
    ['a finish_reason outside the enum', { ...chunk, choices: [{ ...chunk.choices[0], finish_reason: 'unload' }] }, /finish_reason/],
    ['a missing id', { ...chunk, id: undefined }, /id/],
    ['a string created', { ...chunk, created: 'now' }, /created/],
  ])('rejects a chunk with %s', (_name, value, pattern) => {
    const result = validateAgainstOpenAPI('CreateChatCompletionStreamResponse', value);
    expect(result.valid).toBe(false);
    expect(result.errors.join('\n')).toMatch(pattern);
  });

  it('honours nullable (OpenAPI 3.0 style) and null types', () => {
    // finish_reason is `nullable: true` in the document.
    expect(validateAgainstOpenAPI('CreateChatCompletionStreamResponse', chunk).valid).toBe(true);
    expect(validateAgainstOpenAPI('ErrorResponse', { error: { message: 'x', type: 't', param: null, code: 5 } }).valid).toBe(false);
  });

  it('reports an unknown schema name', () => {
    expect(hasOpenAPISchema('NoSuchSchema')).toBe(false);
    expect(validateAgainstOpenAPI('NoSuchSchema', {})).toEqual({ valid: false, errors: ['unknown schema NoSuchSchema'] });
  });
});

describe('validateAgainstOpenAPIVariant', () => {
  it('picks the union member by type', () => {
    const event = { type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'Hi', logprobs: [], sequence_number: 3 };
    expect(openAPIVariantName('ResponseStreamEvent', event)).toBe('ResponseTextDeltaEvent');
    expect(validateAgainstOpenAPIVariant('ResponseStreamEvent', event)).toEqual({ valid: true, errors: [], schemaName: 'ResponseTextDeltaEvent' });
  });

  it('reports precise errors of that member', () => {
    const result = validateAgainstOpenAPIVariant('ResponseStreamEvent', { type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'Hi', sequence_number: 3 });
    expect(result.valid).toBe(false);
    expect(result.errors).toEqual([expect.stringContaining("must have required property 'logprobs'")]);
  });

  it('rejects a type no member has', () => {
    expect(validateAgainstOpenAPIVariant('ResponseStreamEvent', { type: 'response.nope', sequence_number: 0 }).valid).toBe(false);
  });
});
