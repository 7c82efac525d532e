import type { ChatRequest } from '@corral/ollama';
import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { useWiredStack } from './wired-stack.ts';

/** Tool calling through edge → NATS → worker → emulator, judged by the official OpenAI SDK. */

const weatherTool: OpenAI.ChatCompletionFunctionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['city'] },
  },
};
const timeTool: OpenAI.ChatCompletionFunctionTool = {
  type: 'function',
  function: {
    name: 'get_time',
    description: 'Current time in a timezone',
    parameters: { type: 'object', properties: { timezone: { type: 'string' } }, required: ['timezone'] },
  },
};
const tools = [weatherTool, timeTool];

/** A conversation whose last message is a tool result: the emulated model answers it with text. */
const answeredConversation: OpenAI.ChatCompletionMessageParam[] = [
  { role: 'user', content: 'What is the weather in Paris?' },
  { role: 'assistant', content: null, tool_calls: [{ id: 'call_w1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
  { role: 'tool', tool_call_id: 'call_w1', content: '{"temperature": 21, "sky": "clear"}' },
];

describe('tool calling with the openai SDK', () => {
  const wired = useWiredStack({ workers: [{ emulator: { tokensPerReply: 6 } }] });

  const upstream = () => wired.stack.workers[0]!.emulator.requests().at(-1)!;
  const upstreamBody = () => upstream().body as ChatRequest;

  it('tool_choice auto: the model picks the tool the user named, arguments arrive as a JSON string', async () => {
    const completion = await wired.client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'Use get_weather for Paris' }], tools, tool_choice: 'auto' });
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toHaveLength(1);
    const call = choice.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(call.type).toBe('function');
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });
    // The native call (id and arguments) comes through unchanged.
    const native = upstream().toolCalls[0] as { id: string; function: { arguments: unknown } };
    expect(call.id).toBe(native.id);
    expect(JSON.parse(call.function.arguments)).toEqual(native.function.arguments);
    expect(upstreamBody().tools?.map((tool) => tool.function.name)).toEqual(['get_weather', 'get_time']);
    expect(completion.usage?.completion_tokens).toBe(upstream().evalCount);
  });

  it('tool_choice none: no call, a text answer, and the tools are not sent to Ollama', async () => {
    const completion = await wired.client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'Use get_weather for Paris' }], tools, tool_choice: 'none' });
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe('stop');
    expect(choice.message.tool_calls ?? []).toEqual([]);
    expect(choice.message.content).toBe(upstream().content);
    expect(choice.message.content!.length).toBeGreaterThan(0);
    expect(upstreamBody().tools).toBeUndefined();
  });

  it('tool_choice required: a call even where the model would have answered with text', async () => {
    const free = await wired.client.chat.completions.create({ model: 'llama3.2', messages: answeredConversation, tools });
    expect(free.choices[0]!.message.tool_calls ?? []).toEqual([]);
    expect(free.choices[0]!.message.content!.length).toBeGreaterThan(0);

    const forced = await wired.client.chat.completions.create({ model: 'llama3.2', messages: answeredConversation, tools, tool_choice: 'required' });
    const choice = forced.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    const call = choice.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(['get_weather', 'get_time']).toContain(call.function.name);
    expect(call.id).toMatch(/^call_/);
    const parsed = JSON.parse(call.function.arguments) as Record<string, unknown>;
    expect(Object.keys(parsed).length).toBeGreaterThan(0);
    // Ollama cannot force a call: Corral constrained the output to a {name, arguments} object.
    const body = upstreamBody();
    expect(body.tools?.map((tool) => tool.function.name)).toEqual(['get_weather', 'get_time']);
    expect(body.format).toMatchObject({ anyOf: [{ properties: { name: { enum: ['get_weather'] } } }, { properties: { name: { enum: ['get_time'] } } }] });
    expect(upstream().toolCalls).toEqual([]);
    expect(JSON.parse(upstream().content)).toEqual({ name: call.function.name, arguments: parsed });
  });

  it('tool_choice naming a function: that function, not the one the prompt asks for', async () => {
    const chosen = await wired.client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'Use get_weather for Paris' }], tools, tool_choice: { type: 'function', function: { name: 'get_time' } } });
    const call = chosen.choices[0]!.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(chosen.choices[0]!.message.tool_calls).toHaveLength(1);
    expect(call.function.name).toBe('get_time');
    expect(JSON.parse(call.function.arguments)).toHaveProperty('timezone');
    expect(upstreamBody().tools?.map((tool) => tool.function.name)).toEqual(['get_time']);
    expect(upstreamBody().format).toMatchObject({ properties: { name: { enum: ['get_time'] } } });

    // After a tool result the model would answer with text; the named tool is still called.
    const afterResult = await wired.client.chat.completions.create({ model: 'llama3.2', messages: answeredConversation, tools, tool_choice: { type: 'function', function: { name: 'get_time' } } });
    const forcedCall = afterResult.choices[0]!.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(forcedCall.function.name).toBe('get_time');
    expect(afterResult.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('calls two tools in one message when the prompt names both', async () => {
    const completion = await wired.client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'Call get_time for Tokyo and get_weather for Paris' }], tools });
    const calls = completion.choices[0]!.message.tool_calls! as OpenAI.ChatCompletionMessageFunctionToolCall[];
    expect(calls.map((call) => call.function.name)).toEqual(['get_time', 'get_weather']);
    expect(new Set(calls.map((call) => call.id)).size).toBe(2);
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls');

    const single = await wired.client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'Call get_time for Tokyo and get_weather for Paris' }], tools, parallel_tool_calls: false });
    expect((single.choices[0]!.message.tool_calls! as OpenAI.ChatCompletionMessageFunctionToolCall[]).map((call) => call.function.name)).toEqual(['get_time']);
  });

  it('round-trips a tool result: Ollama sees role tool with tool_call_id and tool_name, the answer is text', async () => {
    const first = await wired.client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'get_weather in Paris please' }], tools });
    const assistant = first.choices[0]!.message;
    const call = assistant.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
    const second = await wired.client.chat.completions.create({
      model: 'llama3.2',
      tools,
      messages: [
        { role: 'user', content: 'get_weather in Paris please' },
        assistant,
        { role: 'tool', tool_call_id: call.id, content: 'Sunny, 24 degrees' },
      ],
    });
    expect(second.choices[0]!.finish_reason).toBe('stop');
    expect(second.choices[0]!.message.tool_calls ?? []).toEqual([]);
    expect(second.choices[0]!.message.content).toBe(upstream().content);
    const messages = upstreamBody().messages;
    expect(messages[1]).toMatchObject({ role: 'assistant', tool_calls: [{ id: call.id, function: { name: 'get_weather', arguments: JSON.parse(call.function.arguments) as unknown } }] });
    expect(messages[2]).toEqual({ role: 'tool', content: 'Sunny, 24 degrees', tool_call_id: call.id, tool_name: 'get_weather' });
  });

  it('runs a whole tool loop with the SDK tool runner', async () => {
    const seen: unknown[] = [];
    const runner = wired.client.chat.completions.runTools({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'What does get_weather say for Paris?' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: weatherTool.function.description!,
            parameters: weatherTool.function.parameters!,
            parse: (text: string) => JSON.parse(text) as { city: string },
            function: (input: { city: string }) => {
              seen.push(input);
              return `It is sunny in ${input.city}`;
            },
          },
        },
      ],
    });
    const content = await runner.finalContent();
    expect(seen).toEqual([{ city: 'Paris' }]);
    expect(content).toBe(upstream().content);
    expect(upstreamBody().messages.at(-1)).toMatchObject({ role: 'tool', tool_name: 'get_weather', content: 'It is sunny in Paris' });
  });

  it('streams tool calls in the delta format that chat.completions.stream() reassembles', async () => {
    const stream = wired.client.chat.completions.stream({ model: 'llama3.2', messages: [{ role: 'user', content: 'Call get_time for Tokyo and get_weather for Paris' }], tools, stream: true });
    const doneArguments: string[] = [];
    stream.on('tool_calls.function.arguments.done', (event) => doneArguments.push(event.name));
    const final = await stream.finalChatCompletion();
    const calls = final.choices[0]!.message.tool_calls! as OpenAI.ChatCompletionMessageFunctionToolCall[];
    const native = upstream().toolCalls as Array<{ id: string; function: { name: string; arguments: unknown } }>;
    expect(calls.map((call) => ({ id: call.id, name: call.function.name, arguments: JSON.parse(call.function.arguments) as unknown }))).toEqual(
      native.map((call) => ({ id: call.id, name: call.function.name, arguments: call.function.arguments })),
    );
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
    expect(doneArguments).toEqual(['get_time', 'get_weather']);
  });

  it('streams tool calls that manual delta accumulation reassembles, forced calls included', async () => {
    const accumulate = async (params: Omit<OpenAI.ChatCompletionCreateParamsStreaming, 'stream' | 'model'>) => {
      const stream = await wired.client.chat.completions.create({ model: 'llama3.2', stream: true, ...params });
      const calls: Array<{ id: string; name: string; arguments: string }> = [];
      let finishReason: string | null = null;
      let role: string | undefined;
      for await (const chunk of stream) {
        const choice = chunk.choices[0];
        if (!choice) continue;
        role ??= choice.delta.role;
        for (const delta of choice.delta.tool_calls ?? []) {
          const call = (calls[delta.index] ??= { id: '', name: '', arguments: '' });
          if (delta.id) call.id = delta.id;
          if (delta.function?.name) call.name += delta.function.name;
          if (delta.function?.arguments) call.arguments += delta.function.arguments;
        }
        finishReason = choice.finish_reason ?? finishReason;
      }
      return { calls, finishReason, role };
    };

    const parallel = await accumulate({ messages: [{ role: 'user', content: 'get_weather in Paris, then get_time in Paris' }], tools });
    expect(parallel.role).toBe('assistant');
    expect(parallel.finishReason).toBe('tool_calls');
    expect(parallel.calls.map((call) => call.name)).toEqual(['get_weather', 'get_time']);
    expect(parallel.calls.map((call) => JSON.parse(call.arguments) as unknown)).toEqual([{ city: 'Paris' }, { timezone: 'Europe/Paris' }]);

    const forced = await accumulate({ messages: answeredConversation, tools, tool_choice: { type: 'function', function: { name: 'get_weather' } } });
    expect(forced.finishReason).toBe('tool_calls');
    expect(forced.calls).toHaveLength(1);
    expect(forced.calls[0]!.name).toBe('get_weather');
    expect(forced.calls[0]!.id).toMatch(/^call_/);
    expect(JSON.parse(forced.calls[0]!.arguments)).toHaveProperty('city');
  });

  it('allowed_tools: required forces a call among the listed tools only, auto offers only them', async () => {
    const required = await wired.client.chat.completions.create({
      model: 'llama3.2',
      messages: answeredConversation,
      tools,
      tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'required', tools: [{ type: 'function', function: { name: 'get_time' } }] } },
    });
    expect((required.choices[0]!.message.tool_calls as OpenAI.ChatCompletionMessageFunctionToolCall[]).map((call) => call.function.name)).toEqual(['get_time']);
    const auto = await wired.client.chat.completions.create({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'Use get_weather for Paris' }],
      tools,
      tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [{ type: 'function', function: { name: 'get_time' } }] } },
    });
    expect(upstreamBody().tools?.map((tool) => tool.function.name)).toEqual(['get_time']);
    expect(upstreamBody().format).toBeUndefined();
    expect((auto.choices[0]!.message.tool_calls as OpenAI.ChatCompletionMessageFunctionToolCall[]).map((call) => call.function.name)).toEqual(['get_time']);
  });

  it('forces a call of a tool without parameters: arguments are an empty object', async () => {
    const ping: OpenAI.ChatCompletionFunctionTool = { type: 'function', function: { name: 'ping_server' } };
    const completion = await wired.client.chat.completions.create({ model: 'llama3.2', messages: answeredConversation, tools: [ping, weatherTool], tool_choice: { type: 'function', function: { name: 'ping_server' } } });
    const call = completion.choices[0]!.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(call.function).toEqual({ name: 'ping_server', arguments: '{}' });
  });

  it('a forced call cut short by max_completion_tokens comes back as content with finish_reason length', async () => {
    const completion = await wired.client.chat.completions.create({ model: 'llama3.2', messages: answeredConversation, tools, tool_choice: 'required', max_completion_tokens: 3 });
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe('length');
    expect(choice.message.tool_calls ?? []).toEqual([]);
    expect(choice.message.content).toBe(upstream().content);
  });

  it('a thinking model returns its reasoning beside tool calls, streamed or not', async () => {
    const completion = await wired.client.chat.completions.create({ model: 'qwen3', messages: [{ role: 'user', content: 'Use get_weather for Paris' }], tools });
    const message = completion.choices[0]!.message as OpenAI.ChatCompletionMessage & { reasoning_content?: string };
    expect(message.reasoning_content).toBe(upstream().thinking);
    expect((message.tool_calls as OpenAI.ChatCompletionMessageFunctionToolCall[]).map((call) => call.function.name)).toEqual(['get_weather']);

    const stream = await wired.client.chat.completions.create({ model: 'qwen3', stream: true, messages: answeredConversation, tools, tool_choice: 'required' });
    let reasoning = '';
    const names: string[] = [];
    let finish: string | null = null;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      reasoning += (choice?.delta as { reasoning_content?: string } | undefined)?.reasoning_content ?? '';
      for (const call of choice?.delta.tool_calls ?? []) names.push(call.function?.name ?? '');
      finish = choice?.finish_reason ?? finish;
    }
    expect(reasoning).toBe(upstream().thinking);
    expect(names).toHaveLength(1);
    expect(finish).toBe('tool_calls');
  });

  it('n = 2 with a forced tool: each choice carries its own call', async () => {
    const completion = await wired.client.chat.completions.create({ model: 'llama3.2', messages: answeredConversation, tools, tool_choice: { type: 'function', function: { name: 'get_weather' } }, n: 2, seed: 4 });
    expect(completion.choices.map((choice) => choice.index)).toEqual([0, 1]);
    for (const choice of completion.choices) {
      expect((choice.message.tool_calls as OpenAI.ChatCompletionMessageFunctionToolCall[]).map((call) => call.function.name)).toEqual(['get_weather']);
      expect(choice.finish_reason).toBe('tool_calls');
    }
  });

  it('refuses a tool_choice that names no offered tool', async () => {
    await expect(
      wired.client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'hi' }], tools, tool_choice: { type: 'function', function: { name: 'launch_rocket' } } }),
    ).rejects.toMatchObject({ status: 400, param: 'tool_choice' });
    await expect(wired.client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'hi' }], tool_choice: 'required' })).rejects.toMatchObject({ status: 400, param: 'tool_choice' });
  });
});
