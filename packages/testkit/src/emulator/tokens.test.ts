import { describe, expect, it } from 'vitest';
import { countChatPromptTokens, countGeneratePromptTokens, countTextTokens, IMAGE_PROMPT_TOKENS } from './tokens.ts';

describe('prompt token formula', () => {
  it('counts words and punctuation marks', () => {
    expect(countTextTokens('Why is the sky blue?')).toBe(6);
    expect(countTextTokens('')).toBe(0);
    expect(countTextTokens('héllo, wörld')).toBe(3);
  });

  it('counts chat messages with a role token each, images and tools', () => {
    const tool = { type: 'function' as const, function: { name: 'f' } };
    const tokens = countChatPromptTokens({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Why is the sky blue?', images: ['aGk='] },
      ],
      tools: [tool],
    });
    expect(tokens).toBe(1 + 3 + 1 + 6 + IMAGE_PROMPT_TOKENS + countTextTokens(JSON.stringify(tool)));
  });

  it('counts generate system, prompt, suffix and images', () => {
    expect(countGeneratePromptTokens({ system: 'a b', prompt: 'c', suffix: 'd', images: ['x', 'y'] })).toBe(4 + 2 * IMAGE_PROMPT_TOKENS);
  });
});
