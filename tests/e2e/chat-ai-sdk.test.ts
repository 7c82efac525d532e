import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { ChatRequest } from '@corral/ollama';
import { startStack, type Stack } from '@corral/testkit';
import { embed, embedMany, generateObject, generateText, jsonSchema, Output, stepCountIs, streamText, tool, type JSONSchema7 } from 'ai';
import { Ajv } from 'ajv';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createWireRecorder } from './chat-wire.ts';

/** The Vercel AI SDK's OpenAI-compatible provider against Corral. */

interface Weather {
  city: string;
}
const weatherInput = jsonSchema<Weather>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false });
const timeInput = jsonSchema<{ timezone: string }>({ type: 'object', properties: { timezone: { type: 'string' } }, required: ['timezone'], additionalProperties: false });

const cityFacts: JSONSchema7 = {
  type: 'object',
  properties: {
    city: { type: 'string' },
    population: { type: 'integer', minimum: 1 },
    landmarks: { type: 'array', items: { type: 'string' }, minItems: 1 },
    coastal: { type: 'boolean' },
  },
  required: ['city', 'population', 'landmarks', 'coastal'],
  additionalProperties: false,
};
const validateCityFacts = new Ajv({ strict: false }).compile(cityFacts);

describe('Vercel AI SDK (openai-compatible) through Corral', () => {
  let stack: Stack;
  const wire = createWireRecorder();
  /** Corral honours json_schema, so the provider may send the schema rather than bare JSON mode. */
  const provider = () => createOpenAICompatible({ name: 'corral', baseURL: `${stack.edgeUrl}/v1`, apiKey: 'any', includeUsage: true, supportsStructuredOutputs: true, fetch: wire.fetch });

  beforeAll(async () => {
    stack = await startStack({ workers: [{ emulator: { tokensPerReply: 5 } }] });
  });
  afterAll(async () => stack?.close());

  describe('chat', () => {
    afterEach(async () => {
      const report = await wire.settle();
      expect(report.violations).toEqual([]);
      expect(report.bodies + report.chunks).toBeGreaterThan(0);
    });

    const upstream = () => stack.workers[0]!.emulator.requests().at(-1)!;
    const upstreamBody = () => upstream().body as ChatRequest;

    it('generateText: the emulator reply, finish reason and exact usage', async () => {
      const result = await generateText({ model: provider()('llama3.2'), system: 'Be brief.', prompt: 'Hello from the AI SDK', temperature: 0.5, maxOutputTokens: 50, maxRetries: 0 });
      expect(result.text).toBe(upstream().content);
      expect(result.finishReason).toBe('stop');
      expect(result.usage).toMatchObject({ inputTokens: upstream().promptEvalCount, outputTokens: upstream().evalCount, totalTokens: upstream().promptEvalCount + upstream().evalCount });
      expect(upstreamBody().options).toMatchObject({ temperature: 0.5, num_predict: 50 });
      expect(upstreamBody().messages[0]).toEqual({ role: 'system', content: 'Be brief.' });
    });

    it('streamText: the text deltas are the emulator content, usage arrives at the end', async () => {
      const result = streamText({ model: provider()('llama3.2'), prompt: 'Stream from the AI SDK', maxRetries: 0 });
      const deltas: string[] = [];
      for await (const delta of result.textStream) deltas.push(delta);
      expect(deltas.length).toBeGreaterThan(3);
      expect(deltas.join('')).toBe(upstream().content);
      expect(await result.finishReason).toBe('stop');
      expect(await result.usage).toMatchObject({ inputTokens: upstream().promptEvalCount, outputTokens: upstream().evalCount });
    });

    it('tool calling: the tool call comes back with parsed input, and executing it completes the loop', async () => {
      const executed: Weather[] = [];
      const tools = {
        get_weather: tool({ description: 'Current weather in a city', inputSchema: weatherInput, execute: (input: Weather) => { executed.push(input); return `Sunny in ${input.city}`; } }),
        get_time: tool({ description: 'Current time in a timezone', inputSchema: timeInput }),
      };
      const single = await generateText({ model: provider()('llama3.2'), prompt: 'Use get_weather for Paris', tools: { get_time: tools.get_time, get_weather: tool({ description: 'Current weather', inputSchema: weatherInput }) }, maxRetries: 0 });
      expect(single.finishReason).toBe('tool-calls');
      expect(single.toolCalls.map((call) => ({ name: call.toolName, input: call.input }))).toEqual([{ name: 'get_weather', input: { city: 'Paris' } }]);

      const loop = await generateText({ model: provider()('llama3.2'), prompt: 'Use get_weather for Paris', tools, stopWhen: stepCountIs(3), maxRetries: 0 });
      expect(executed).toEqual([{ city: 'Paris' }]);
      expect(loop.steps).toHaveLength(2);
      expect(loop.text).toBe(upstream().content);
      expect(upstreamBody().messages.at(-1)).toMatchObject({ role: 'tool', tool_name: 'get_weather', content: expect.stringContaining('Sunny in Paris') as unknown });
    });

    it('forced tool choice and parallel calls', async () => {
      const tools = { get_weather: tool({ inputSchema: weatherInput }), get_time: tool({ inputSchema: timeInput }) };
      const forced = await generateText({ model: provider()('llama3.2'), prompt: 'Use get_weather for Paris', tools, toolChoice: { type: 'tool', toolName: 'get_time' }, maxRetries: 0 });
      expect(forced.toolCalls.map((call) => call.toolName)).toEqual(['get_time']);
      const required = await generateText({
        model: provider()('llama3.2'),
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'call_1', toolName: 'get_weather', input: { city: 'Paris' } }] },
          { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', toolName: 'get_weather', output: { type: 'text', value: 'Sunny' } }] },
        ],
        tools,
        toolChoice: 'required',
        maxRetries: 0,
      });
      expect(required.toolCalls).toHaveLength(1);
      expect(upstreamBody().format).toHaveProperty('anyOf');
      const parallel = await generateText({ model: provider()('llama3.2'), prompt: 'Call get_time for Tokyo and get_weather for Paris', tools, maxRetries: 0 });
      expect(parallel.toolCalls.map((call) => call.toolName)).toEqual(['get_time', 'get_weather']);
    });

    it('streams tool calls with parsed input', async () => {
      const result = streamText({ model: provider()('llama3.2'), prompt: 'Use get_weather for Paris', tools: { get_weather: tool({ inputSchema: weatherInput }) }, maxRetries: 0 });
      const calls: Array<{ toolName: string; input: unknown }> = [];
      for await (const part of result.fullStream) if (part.type === 'tool-call') calls.push({ toolName: part.toolName, input: part.input });
      expect(calls).toEqual([{ toolName: 'get_weather', input: { city: 'Paris' } }]);
      expect(await result.finishReason).toBe('tool-calls');
    });

    it('generateObject and Output.object: the object validates against the schema sent upstream', async () => {
      const generated = await generateObject({ model: provider()('llama3.2'), schema: jsonSchema(cityFacts), schemaName: 'city_facts', prompt: 'Facts about Lisbon', maxRetries: 0 });
      expect(validateCityFacts(generated.object)).toBe(true);
      expect(upstreamBody().format).toMatchObject({ properties: cityFacts.properties, required: cityFacts.required });

      const withOutput = await generateText({ model: provider()('llama3.2'), output: Output.object({ schema: jsonSchema(cityFacts) }), prompt: 'Facts about Porto', maxRetries: 0 });
      expect(validateCityFacts(withOutput.output)).toBe(true);
      expect(withOutput.output).toEqual(JSON.parse(upstream().content));
    });

    it('reasoning: qwen3 reasoning as reasoning text, streamed as reasoning deltas; reasoning none turns it off', async () => {
      const generated = await generateText({ model: provider()('qwen3'), prompt: 'Think first', maxRetries: 0 });
      expect(generated.reasoningText).toBe(upstream().thinking);
      expect(generated.text).toBe(upstream().content);

      const result = streamText({ model: provider()('qwen3'), prompt: 'Think while streaming', maxRetries: 0 });
      let reasoning = '';
      let text = '';
      for await (const part of result.fullStream) {
        if (part.type === 'reasoning-delta') reasoning += part.text;
        if (part.type === 'text-delta') text += part.text;
      }
      expect(reasoning).toBe(upstream().thinking);
      expect(text).toBe(upstream().content);

      await generateText({ model: provider()('qwen3'), prompt: 'Do not think', reasoning: 'none', maxRetries: 0 });
      expect(upstreamBody().think).toBe(false);
      expect(upstream().thinking).toBe('');
    });

    it('provider options reach Ollama: extra fields become options, think passes through', async () => {
      await generateText({ model: provider()('qwen3'), prompt: 'Tuned', providerOptions: { corral: { top_k: 7, num_ctx: 2048, keep_alive: '1m', think: 'low' } }, maxRetries: 0 });
      expect(upstreamBody()).toMatchObject({ options: { top_k: 7, num_ctx: 2048 }, keep_alive: '1m', think: 'low' });
    });

    it('sends image parts as base64 images to a vision model', async () => {
      const image = new TextEncoder().encode('ai-sdk-image');
      await generateText({
        model: provider()('llava'),
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Describe' }, { type: 'file', data: image, mediaType: 'image/png' }] }],
        maxRetries: 0,
      });
      expect(upstreamBody().messages).toEqual([{ role: 'user', content: 'Describe', images: [Buffer.from(image).toString('base64')] }]);
    });
  });

  describe('embeddings', () => {
    /** What Ollama itself answers for these inputs, asked directly. */
    async function nativeVectors(input: string[]): Promise<number[][]> {
      const response = await fetch(`${stack.workers[0]!.emulator.url}/api/embed`, { method: 'POST', body: JSON.stringify({ model: 'all-minilm', input }) });
      return ((await response.json()) as { embeddings: number[][] }).embeddings;
    }

    it('embed and embedMany return Ollama\'s vectors in input order, with token usage', async () => {
      const single = await embed({ model: provider().embeddingModel('all-minilm'), value: 'llamas hum', maxRetries: 0 });
      expect(single.embedding).toEqual((await nativeVectors(['llamas hum']))[0]);
      expect(single.usage.tokens).toBeGreaterThan(0);

      const values = ['first text', 'second text', 'third text'];
      const many = await embedMany({ model: provider().embeddingModel('all-minilm'), values, maxRetries: 0 });
      expect(many.embeddings).toEqual(await nativeVectors(values));
      expect(many.values).toEqual(values);
    });
  });
});
