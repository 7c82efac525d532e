import { describe, expect, it } from 'vitest';
import { classifyLine } from './chunk-line.ts';

describe('classifyLine', () => {
  it('passes ordinary token lines through as chunks', () => {
    expect(classifyLine('{"model":"qwen3","created_at":"t","message":{"role":"assistant","content":"The"},"done":false}')).toEqual({ kind: 'chunk' });
    expect(classifyLine('{"model":"llama3.2","created_at":"t","response":"The","done":false}')).toEqual({ kind: 'chunk' });
  });

  it('does not mistake an escaped "done":true inside content for the final chunk', () => {
    const line = JSON.stringify({ model: 'm', message: { role: 'assistant', content: '{"done":true}' }, done: false });
    expect(classifyLine(line)).toEqual({ kind: 'chunk' });
  });

  it('does not mistake a nested done:true (tool-call arguments) for the final chunk', () => {
    const line = JSON.stringify({
      model: 'm',
      message: { role: 'assistant', content: '', tool_calls: [{ function: { name: 'mark', arguments: { done: true } } }] },
      done: false,
    });
    expect(classifyLine(line)).toEqual({ kind: 'chunk' });
  });

  it('parses the final chunk', () => {
    const line = '{"model":"llama3.2","created_at":"t","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","prompt_eval_count":26,"eval_count":282}';
    const result = classifyLine(line);
    expect(result.kind).toBe('final');
    expect(result.kind === 'final' && result.data.eval_count).toBe(282);
  });

  it('recognises an in-band error line', () => {
    expect(classifyLine('{"error":"an error was encountered while running the model"}')).toEqual({
      kind: 'error',
      message: 'an error was encountered while running the model',
    });
  });

  it('flags lines that are not one JSON object', () => {
    expect(classifyLine('data: {"x":1}')).toEqual({ kind: 'malformed' });
    expect(classifyLine('[1,2]')).toEqual({ kind: 'malformed' });
    expect(classifyLine('{"error":')).toEqual({ kind: 'malformed' });
    expect(classifyLine('{not json}')).toEqual({ kind: 'malformed' });
  });
});
