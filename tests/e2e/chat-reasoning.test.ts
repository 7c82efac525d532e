import type { ChatRequest } from '@corral/ollama';
import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { useWiredStack } from './wired-stack.ts';

/** Reasoning (Ollama's `think`) through the whole stack with a thinking model (qwen3). */

/** Corral's extensions to the request body, which the SDK sends as given. */
type ReasoningParams = OpenAI.ChatCompletionCreateParamsNonStreaming & {
  think?: boolean | 'low' | 'medium' | 'high';
  reasoning?: { effort?: string; exclude?: boolean; enabled?: boolean; max_tokens?: number };
};
/** Corral's addition to the response message. */
type ReasoningMessage = OpenAI.ChatCompletionMessage & { reasoning_content?: string };
type ReasoningDelta = OpenAI.ChatCompletionChunk.Choice.Delta & { reasoning_content?: string };

describe('reasoning with the openai SDK', () => {
  const wired = useWiredStack({ workers: [{ emulator: { tokensPerReply: 4 } }] });

  const upstream = () => wired.stack.workers[0]!.emulator.requests().at(-1)!;
  const ask = (params: Partial<ReasoningParams>) =>
    wired.client.chat.completions.create({ model: 'qwen3', messages: [{ role: 'user', content: 'Why is the sky blue?' }], ...params } as ReasoningParams);

  it('returns qwen3 reasoning as message.reasoning_content beside the content', async () => {
    const completion = await ask({});
    const message = completion.choices[0]!.message as ReasoningMessage;
    expect(upstream().thinking.length).toBeGreaterThan(0);
    expect(message.reasoning_content).toBe(upstream().thinking);
    expect(message.content).toBe(upstream().content);
    // Thinking tokens are generated tokens.
    expect(completion.usage?.completion_tokens).toBe(upstream().evalCount);
    expect((upstream().body as ChatRequest).think).toBeUndefined();
  });

  it('streams reasoning_content deltas before the content deltas', async () => {
    const stream = await wired.client.chat.completions.create({ model: 'qwen3', stream: true, messages: [{ role: 'user', content: 'Think, then stream' }] });
    let reasoning = '';
    let content = '';
    let reasoningAfterContent = false;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as ReasoningDelta | undefined;
      if (delta?.reasoning_content) {
        reasoning += delta.reasoning_content;
        if (content !== '') reasoningAfterContent = true;
      }
      content += delta?.content ?? '';
    }
    expect(reasoning).toBe(upstream().thinking);
    expect(reasoning.length).toBeGreaterThan(0);
    expect(content).toBe(upstream().content);
    expect(reasoningAfterContent).toBe(false);
  });

  it('maps reasoning_effort to think: none → false, minimal/low → low, medium, high, xhigh → max', async () => {
    const expected = { none: false, minimal: 'low', low: 'low', medium: 'medium', high: 'high', xhigh: 'max' } as const;
    for (const [effort, think] of Object.entries(expected)) {
      const completion = await ask({ reasoning_effort: effort as OpenAI.ReasoningEffort });
      expect((upstream().body as ChatRequest).think, effort).toBe(think);
      const message = completion.choices[0]!.message as ReasoningMessage;
      if (think === false) expect(message.reasoning_content, effort).toBeUndefined();
      else expect(message.reasoning_content, effort).toBe(upstream().thinking);
    }
  });

  it('reasoning {effort, exclude: true}: the model still thinks, the answer carries no reasoning', async () => {
    const completion = await ask({ reasoning: { effort: 'high', exclude: true } });
    const message = completion.choices[0]!.message as ReasoningMessage;
    expect((upstream().body as ChatRequest).think).toBe('high');
    expect(upstream().thinking.length).toBeGreaterThan(0);
    expect(message).not.toHaveProperty('reasoning_content');
    expect(message.content).toBe(upstream().content);
    expect(completion.usage?.completion_tokens).toBe(upstream().evalCount);

    const stream = await wired.client.chat.completions.create({ model: 'qwen3', stream: true, messages: [{ role: 'user', content: 'Hidden thoughts' }], reasoning: { effort: 'low', exclude: true } } as OpenAI.ChatCompletionCreateParamsStreaming);
    let content = '';
    for await (const chunk of stream) {
      expect(chunk.choices[0]?.delta ?? {}).not.toHaveProperty('reasoning_content');
      content += chunk.choices[0]?.delta.content ?? '';
    }
    expect((upstream().body as ChatRequest).think).toBe('low');
    expect(upstream().thinking.length).toBeGreaterThan(0);
    expect(content).toBe(upstream().content);
  });

  it('excluded reasoning does not leak through logprobs, streamed or not', async () => {
    const completion = await ask({ logprobs: true, reasoning: { effort: 'low', exclude: true } });
    const choice = completion.choices[0]!;
    expect(upstream().thinking.length).toBeGreaterThan(0);
    expect(choice.logprobs!.content!.map((entry) => entry.token).join('')).toBe(choice.message.content);

    const stream = await wired.client.chat.completions.create({ model: 'qwen3', stream: true, logprobs: true, messages: [{ role: 'user', content: 'Hidden and streamed' }], reasoning: { exclude: true } } as OpenAI.ChatCompletionCreateParamsStreaming);
    let tokens = '';
    for await (const chunk of stream) tokens += (chunk.choices[0]?.logprobs?.content ?? []).map((entry) => entry.token).join('');
    expect(upstream().thinking.length).toBeGreaterThan(0);
    expect(tokens).toBe(upstream().content);
  });

  it('passes Ollama think through: false turns reasoning off, a level is sent as is', async () => {
    const off = await ask({ think: false });
    expect((upstream().body as ChatRequest).think).toBe(false);
    expect(upstream().thinking).toBe('');
    expect(off.choices[0]!.message as ReasoningMessage).not.toHaveProperty('reasoning_content');

    const medium = await ask({ think: 'medium' });
    expect((upstream().body as ChatRequest).think).toBe('medium');
    expect((medium.choices[0]!.message as ReasoningMessage).reasoning_content).toBe(upstream().thinking);

    await ask({ reasoning: { enabled: false } });
    expect((upstream().body as ChatRequest).think).toBe(false);
  });

  it('sends earlier reasoning_content back to Ollama as the assistant message thinking', async () => {
    await ask({
      messages: [
        { role: 'user', content: 'First question' },
        { role: 'assistant', content: 'First answer', reasoning_content: 'I pondered' } as OpenAI.ChatCompletionAssistantMessageParam,
        { role: 'user', content: 'Second question' },
      ],
    });
    expect((upstream().body as ChatRequest).messages[1]).toEqual({ role: 'assistant', content: 'First answer', thinking: 'I pondered' });
  });

  it('refuses contradicting or unsupported reasoning settings with a 400 naming the parameter', async () => {
    await expect(ask({ think: false, reasoning_effort: 'high' })).rejects.toMatchObject({ status: 400, param: 'reasoning_effort' });
    await expect(ask({ reasoning_effort: 'low', reasoning: { effort: 'high' } })).rejects.toMatchObject({ status: 400, param: 'reasoning.effort' });
    await expect(ask({ reasoning: { max_tokens: 100 } })).rejects.toMatchObject({ status: 400, param: 'reasoning.max_tokens' });
    await expect(ask({ reasoning_effort: 'extreme' as OpenAI.ReasoningEffort })).rejects.toMatchObject({ status: 400, param: 'reasoning_effort' });
  });

  it('asking a model without thinking to think is a client error, not a server error', async () => {
    const error = await wired.client.chat.completions
      .create({ model: 'llama3.2', messages: [{ role: 'user', content: 'Think hard' }], reasoning_effort: 'high' })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 400, type: 'invalid_request_error' });
    expect((error as Error).message).toContain('does not support thinking');
    // Streamed, Ollama's refusal arrives before any token: a plain 400, not a broken stream.
    await expect(
      wired.client.chat.completions.create({ model: 'llama3.2', stream: true, messages: [{ role: 'user', content: 'Think hard, streamed' }], reasoning_effort: 'high' }),
    ).rejects.toMatchObject({ status: 400, type: 'invalid_request_error' });
  });
});
