import { describe, expect, it } from 'vitest';
import type { ChatRequest, Tool } from '@corral/ollama';
import { callsTools, jsonPieces, planChatReply, planGenerateReply, renderChatPrompt, thinkingTokenCount } from './generation.ts';
import { THINKING_VOCABULARY, VOCABULARY } from './vocabulary.ts';

const weather: Tool = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: { type: 'object', required: ['city'], properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } } },
  },
};
const time: Tool = {
  type: 'function',
  function: { name: 'get_time', parameters: { type: 'object', required: ['timezone'], properties: { timezone: { type: 'string' } } } },
};

const chat = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'llama3.2',
  messages: [{ role: 'user', content }],
  ...extra,
});

describe('vocabulary', () => {
  it('has no word inside another, so any word works as a stop string', () => {
    const words = [...VOCABULARY, ...THINKING_VOCABULARY];
    expect(new Set(words).size).toBe(words.length);
    for (const word of words) {
      for (const other of words) if (other !== word) expect(other.includes(word), `${word} in ${other}`).toBe(false);
    }
  });
});

describe('planChatReply', () => {
  it('is a function of model, prompt and seed', () => {
    const settings = { tokensPerReply: 12, thinking: false };
    const first = planChatReply(chat('hello'), settings);
    expect(planChatReply(chat('hello'), settings)).toEqual(first);
    expect(planChatReply({ ...chat('hello'), model: 'llama3.2:latest' }, settings)).toEqual(first);
    expect(planChatReply(chat('hello!'), settings).content).not.toEqual(first.content);
    expect(planChatReply(chat('hello', { options: { seed: 7 } }), settings).content).not.toEqual(first.content);
    expect(planChatReply({ ...chat('hello'), model: 'qwen3' }, settings).content).not.toEqual(first.content);
  });

  it('emits tokensPerReply word tokens, the first bare and the rest space-led', () => {
    const plan = planChatReply(chat('hello'), { tokensPerReply: 5, thinking: false });
    expect(plan.content).toHaveLength(5);
    expect(plan.thinking).toEqual([]);
    expect(VOCABULARY).toContain(plan.content[0]);
    for (const token of plan.content.slice(1)) expect(VOCABULARY).toContain(token.slice(1));
  });

  it('thinks first when thinking is on', () => {
    const plan = planChatReply(chat('hello'), { tokensPerReply: 7, thinking: true });
    expect(plan.thinking).toHaveLength(thinkingTokenCount(7));
    expect(thinkingTokenCount(7)).toBe(4);
    expect(plan.content).toHaveLength(7);
  });

  it('calls the first tool when the user mentions none', () => {
    const plan = planChatReply(chat('what now?', { tools: [weather, time] }), { tokensPerReply: 12, thinking: false });
    expect(plan.content).toEqual([]);
    expect(plan.toolCalls).toHaveLength(1);
    expect(plan.toolCalls[0]).toMatchObject({ function: { index: 0, name: 'get_weather', arguments: { city: 'Paris' } } });
    expect(plan.toolCalls[0]?.id).toMatch(/^call_[a-z0-9]{8}$/);
  });

  it('gives a tool without parameters an empty arguments object, as Ollama does', () => {
    const ping = { type: 'function' as const, function: { name: 'ping', description: 'no arguments' } };
    const plan = planChatReply(chat('ping it', { tools: [ping] }), { tokensPerReply: 12, thinking: false });
    expect(plan.toolCalls[0]?.function.arguments).toEqual({});
  });

  it('calls every mentioned tool, in order of mention, as parallel calls', () => {
    const plan = planChatReply(chat('use get_time then get_weather please', { tools: [weather, time] }), {
      tokensPerReply: 12,
      thinking: false,
    });
    expect(plan.toolCalls.map((call) => [call.function.index, call.function.name])).toEqual([
      [0, 'get_time'],
      [1, 'get_weather'],
    ]);
    expect(plan.toolCalls[0]?.function.arguments).toEqual({ timezone: 'Europe/Paris' });
  });

  it('answers with text after a tool result', () => {
    const request = chat('weather?', { tools: [weather] });
    request.messages.push({ role: 'tool', content: '11 degrees', tool_name: 'get_weather' });
    expect(callsTools(request)).toBe(false);
    expect(planChatReply(request, { tokensPerReply: 3, thinking: false }).content).toHaveLength(3);
  });

  it('produces JSON for format "json", in several pieces', () => {
    const plan = planChatReply(chat('hello', { format: 'json' }), { tokensPerReply: 4, thinking: false });
    expect(plan.content.length).toBeGreaterThan(4);
    const value = JSON.parse(plan.content.join('')) as { answer: string };
    expect(value.answer.split(' ')).toHaveLength(4);
  });

  it('renders the prompt from roles, contents and tool names', () => {
    expect(renderChatPrompt(chat('hi', { tools: [weather] }))).toBe('user: hi\ntools: get_weather\n');
  });
});

describe('planGenerateReply', () => {
  it('depends on system, prompt and suffix', () => {
    const settings = { tokensPerReply: 6, thinking: false };
    const base = planGenerateReply({ model: 'codellama', prompt: 'def f(' }, settings);
    expect(planGenerateReply({ model: 'codellama', prompt: 'def f(', suffix: 'return' }, settings).content).not.toEqual(base.content);
    expect(planGenerateReply({ model: 'codellama', prompt: 'def f(' }, settings)).toEqual(base);
  });
});

describe('jsonPieces', () => {
  it('splits JSON into pieces that concatenate back exactly', () => {
    const text = JSON.stringify({ a: [1, 2.5, { b: 'two words', 'q"': null }], c: true });
    const pieces = jsonPieces(text);
    expect(pieces.join('')).toBe(text);
    expect(pieces.length).toBeGreaterThan(10);
  });
});
