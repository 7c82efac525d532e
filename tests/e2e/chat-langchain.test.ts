import { AIMessage, HumanMessage, SystemMessage, ToolMessage, type AIMessageChunk } from '@langchain/core/messages';
import { ChatOpenAI, OpenAIEmbeddings } from '@langchain/openai';
import type { ChatRequest } from '@corral/ollama';
import { startStack, type Stack } from '@corral/testkit';
import { Ajv } from 'ajv';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createWireRecorder } from './chat-wire.ts';

/** LangChain's ChatOpenAI against Corral: the client most agent frameworks sit on. */

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};
const timeTool = {
  type: 'function' as const,
  function: {
    name: 'get_time',
    description: 'Current time in a timezone',
    parameters: { type: 'object', properties: { timezone: { type: 'string' } }, required: ['timezone'] },
  },
};

const personSchema = {
  title: 'person',
  description: 'A person mentioned in the text',
  type: 'object',
  properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 0, maximum: 120 }, email: { type: 'string' } },
  required: ['name', 'age', 'email'],
  additionalProperties: false,
};
const validatePerson = new Ajv({ strict: false }).compile(personSchema);

describe('LangChain ChatOpenAI through Corral', () => {
  let stack: Stack;
  const wire = createWireRecorder();
  const chat = (fields: ConstructorParameters<typeof ChatOpenAI>[0] = {}) =>
    new ChatOpenAI({ model: 'llama3.2', apiKey: 'any', maxRetries: 0, ...fields, configuration: { baseURL: `${stack.edgeUrl}/v1`, fetch: wire.fetch } });

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

    it('invoke: the emulator reply as AIMessage content with exact usage metadata', async () => {
      const message = await chat({ temperature: 0.3 }).invoke([new SystemMessage('Be brief.'), new HumanMessage('Hello from LangChain')]);
      expect(message.content).toBe(upstream().content);
      expect(message.usage_metadata).toMatchObject({ input_tokens: upstream().promptEvalCount, output_tokens: upstream().evalCount, total_tokens: upstream().promptEvalCount + upstream().evalCount });
      expect(message.response_metadata.finish_reason).toBe('stop');
      expect(upstreamBody().messages).toEqual([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello from LangChain' },
      ]);
      expect(upstreamBody().options).toMatchObject({ temperature: 0.3 });
    });

    it('stream: the chunks spell the reply and the last carries the usage', async () => {
      let content = '';
      let chunks = 0;
      let final: AIMessageChunk | undefined;
      for await (const chunk of await chat().stream('Stream from LangChain')) {
        chunks++;
        content += typeof chunk.content === 'string' ? chunk.content : '';
        final = final === undefined ? chunk : final.concat(chunk);
      }
      expect(chunks).toBeGreaterThan(3);
      expect(content).toBe(upstream().content);
      expect(final!.usage_metadata).toMatchObject({ input_tokens: upstream().promptEvalCount, output_tokens: upstream().evalCount });
    });

    it('bindTools: tool calls come back parsed on AIMessage.tool_calls', async () => {
      const message = await chat().bindTools([weatherTool, timeTool]).invoke('Ask get_weather about Paris and get_time for Tokyo');
      expect(message.tool_calls).toEqual([
        { type: 'tool_call', id: expect.stringMatching(/^call_/) as unknown, name: 'get_weather', args: { city: 'Paris' } },
        { type: 'tool_call', id: expect.stringMatching(/^call_/) as unknown, name: 'get_time', args: { timezone: 'Europe/Paris' } },
      ]);
      expect(message.response_metadata.finish_reason).toBe('tool_calls');
    });

    it('bindTools with a forced tool_choice calls that tool', async () => {
      const message = await chat().bindTools([weatherTool, timeTool], { tool_choice: 'get_time' }).invoke('Ask get_weather about Paris');
      expect(message.tool_calls?.map((call) => call.name)).toEqual(['get_time']);
      expect(upstreamBody().tools?.map((tool) => tool.function.name)).toEqual(['get_time']);
    });

    it('streams tool calls that concatenate into parsed tool_calls', async () => {
      let final: AIMessageChunk | undefined;
      for await (const chunk of await chat().bindTools([weatherTool]).stream('Use get_weather for Paris')) final = final === undefined ? chunk : final.concat(chunk);
      expect(final!.tool_calls).toEqual([{ type: 'tool_call', id: expect.stringMatching(/^call_/) as unknown, name: 'get_weather', args: { city: 'Paris' } }]);
    });

    it('round-trips a ToolMessage into a text answer', async () => {
      const model = chat().bindTools([weatherTool]);
      const first = await model.invoke([new HumanMessage('get_weather for Paris')]);
      const call = first.tool_calls![0]!;
      const answer = await model.invoke([new HumanMessage('get_weather for Paris'), first, new ToolMessage({ tool_call_id: call.id!, content: 'Rainy, 12 degrees' })]);
      expect(answer.tool_calls).toEqual([]);
      expect(answer.content).toBe(upstream().content);
      expect(upstreamBody().messages.slice(1)).toEqual([
        { role: 'assistant', content: '', tool_calls: [{ id: call.id, function: { index: 0, name: 'get_weather', arguments: { city: 'Paris' } } }] },
        { role: 'tool', content: 'Rainy, 12 degrees', tool_call_id: call.id, tool_name: 'get_weather' },
      ]);
    });

    it('accepts a hand-written AIMessage with tool calls in the history', async () => {
      const history = [
        new HumanMessage('What time is it in Paris?'),
        new AIMessage({ content: '', tool_calls: [{ id: 'call_manual', name: 'get_time', args: { timezone: 'Europe/Paris' } }] }),
        new ToolMessage({ tool_call_id: 'call_manual', content: '10:00' }),
      ];
      const answer = await chat().bindTools([timeTool]).invoke(history);
      expect(answer.content).toBe(upstream().content);
      expect(upstreamBody().messages[2]).toMatchObject({ role: 'tool', tool_name: 'get_time', tool_call_id: 'call_manual' });
    });

    it('withStructuredOutput (json schema, function calling and json mode) returns a valid object', async () => {
      for (const method of ['jsonSchema', 'functionCalling', 'jsonMode'] as const) {
        const structured = chat().withStructuredOutput<Record<string, unknown>>(personSchema, { method, name: 'person' });
        const person = await structured.invoke('Alice is 30, alice@example.com');
        if (method === 'jsonMode') {
          // JSON mode only promises an object; the schema is not sent.
          expect(upstreamBody().format, method).toBe('json');
          expect(typeof person, method).toBe('object');
        } else {
          expect(validatePerson(person), `${method}: ${JSON.stringify(person)}`).toBe(true);
        }
        if (method === 'jsonSchema') expect(upstreamBody().format, method).toMatchObject({ properties: personSchema.properties });
        if (method === 'functionCalling') expect(upstreamBody().tools?.map((tool) => tool.function.name), method).toEqual(['person']);
      }
    });

    it('reasoning_content of a thinking model lands in additional_kwargs, invoked or streamed', async () => {
      const qwen = chat({ model: 'qwen3' });
      const message = await qwen.invoke('Think about it');
      expect(message.additional_kwargs.reasoning_content).toBe(upstream().thinking);
      expect(message.content).toBe(upstream().content);

      let final: AIMessageChunk | undefined;
      for await (const chunk of await qwen.stream('Think while streaming')) final = final === undefined ? chunk : final.concat(chunk);
      expect(final!.additional_kwargs.reasoning_content).toBe(upstream().thinking);
      expect(final!.content).toBe(upstream().content);

      await chat({ model: 'qwen3', modelKwargs: { reasoning_effort: 'none' } }).invoke('No thinking');
      expect(upstreamBody().think).toBe(false);
    });

    it('sends an image content block to a vision model', async () => {
      const image = Buffer.from('corral-image').toString('base64');
      await chat({ model: 'llava' }).invoke([
        new HumanMessage({ content: [{ type: 'text', text: 'Describe' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${image}` } }] }),
      ]);
      expect(upstreamBody().messages).toEqual([{ role: 'user', content: 'Describe', images: [image] }]);
    });
  });

  describe('embeddings', () => {
    const embeddings = (fields: ConstructorParameters<typeof OpenAIEmbeddings>[0] = {}) =>
      new OpenAIEmbeddings({ model: 'all-minilm', apiKey: 'any', maxRetries: 0, ...fields, configuration: { baseURL: `${stack.edgeUrl}/v1` } });
    /** What Ollama itself answers for these inputs, asked directly. */
    async function nativeVectors(input: string[], dimensions?: number): Promise<number[][]> {
      const response = await fetch(`${stack.workers[0]!.emulator.url}/api/embed`, { method: 'POST', body: JSON.stringify({ model: 'all-minilm', input, ...(dimensions ? { dimensions } : {}) }) });
      return ((await response.json()) as { embeddings: number[][] }).embeddings;
    }
    /** The openai SDK asks for base64 (float32) vectors by default. */
    const asFloat32 = (vectors: number[][]) => vectors.map((vector) => vector.map((value) => Math.fround(value)));

    it('embedQuery and embedDocuments return Ollama\'s vectors, in input order', async () => {
      const query = await embeddings().embedQuery('What do llamas eat?');
      expect(query).toEqual(asFloat32(await nativeVectors(['What do llamas eat?']))[0]);
      const documents = ['Llamas eat grass.', 'Alpacas are smaller.', 'Both hum.'];
      const vectors = await embeddings().embedDocuments(documents);
      expect(vectors).toEqual(asFloat32(await nativeVectors(documents)));
      expect(vectors.map((vector) => vector.length)).toEqual([384, 384, 384]);
    });

    it('passes dimensions through and splits large batches', async () => {
      const documents = Array.from({ length: 5 }, (_, index) => `document number ${index}`);
      const vectors = await embeddings({ dimensions: 64, batchSize: 2 }).embedDocuments(documents);
      expect(vectors).toEqual(asFloat32(await nativeVectors(documents, 64)));
      expect(vectors.every((vector) => vector.length === 64)).toBe(true);
    });
  });
});
