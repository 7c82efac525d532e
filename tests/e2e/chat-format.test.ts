import type { ChatRequest } from '@corral/ollama';
import { Ajv } from 'ajv';
import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { useWiredStack } from './wired-stack.ts';

/** Structured output (response_format → Ollama `format`) through the whole wired.stack. */

const recipeSchema = {
  type: 'object',
  properties: {
    title: { type: 'string' },
    servings: { type: 'integer', minimum: 1, maximum: 12 },
    difficulty: { type: 'string', enum: ['easy', 'medium', 'hard'] },
    vegetarian: { type: 'boolean' },
    ingredients: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, grams: { type: 'number' } }, required: ['name', 'grams'], additionalProperties: false }, minItems: 1 },
  },
  required: ['title', 'servings', 'difficulty', 'vegetarian', 'ingredients'],
  additionalProperties: false,
};
const validateRecipe = new Ajv({ strict: false }).compile(recipeSchema);
const recipeFormat: OpenAI.ResponseFormatJSONSchema = { type: 'json_schema', json_schema: { name: 'recipe', strict: true, schema: recipeSchema } };

describe('structured output with the openai SDK', () => {
  const wired = useWiredStack({ workers: [{ emulator: { tokensPerReply: 5 } }] });

  const upstream = () => wired.stack.workers[0]!.emulator.requests().at(-1)!;

  it('json_object: format "json" upstream, content parses as a JSON object', async () => {
    const completion = await wired.client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'Answer in JSON' }], response_format: { type: 'json_object' } });
    expect((upstream().body as ChatRequest).format).toBe('json');
    const content = completion.choices[0]!.message.content!;
    expect(content).toBe(upstream().content);
    const parsed = JSON.parse(content) as unknown;
    expect(typeof parsed).toBe('object');
    expect(Array.isArray(parsed)).toBe(false);
  });

  it('json_schema: the schema is the upstream format and the content validates against it', async () => {
    const completion = await wired.client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'A recipe please' }], response_format: recipeFormat });
    expect((upstream().body as ChatRequest).format).toEqual(recipeSchema);
    const value = JSON.parse(completion.choices[0]!.message.content!) as unknown;
    expect(validateRecipe(value), JSON.stringify(validateRecipe.errors)).toBe(true);
  });

  it('json_schema with chat.completions.parse(): message.parsed is the validated object', async () => {
    const completion = await wired.client.chat.completions.parse({ model: 'qwen3', think: false, messages: [{ role: 'user', content: 'Another recipe' }], response_format: recipeFormat } as OpenAI.ChatCompletionParseParams);
    const parsed = completion.choices[0]!.message.parsed;
    expect(validateRecipe(parsed)).toBe(true);
    expect(parsed).toEqual(JSON.parse(upstream().content));
  });

  it('json_schema streamed: the concatenated deltas validate against the schema', async () => {
    const stream = await wired.client.chat.completions.create({ model: 'llama3.2', stream: true, messages: [{ role: 'user', content: 'Stream a recipe' }], response_format: recipeFormat });
    let content = '';
    let deltas = 0;
    for await (const chunk of stream) {
      const piece = chunk.choices[0]?.delta.content;
      if (piece) {
        content += piece;
        deltas += 1;
      }
    }
    expect(deltas).toBeGreaterThan(1);
    expect(content).toBe(upstream().content);
    expect(validateRecipe(JSON.parse(content))).toBe(true);
  });

  it('json_schema on a thinking model: reasoning stays out of the JSON content', async () => {
    const completion = await wired.client.chat.completions.create({ model: 'qwen3', messages: [{ role: 'user', content: 'Think, then a recipe' }], response_format: recipeFormat });
    const message = completion.choices[0]!.message as OpenAI.ChatCompletionMessage & { reasoning_content?: string };
    expect(message.reasoning_content).toBe(upstream().thinking);
    expect(validateRecipe(JSON.parse(message.content!))).toBe(true);
  });

  it('response_format text sends no format; a forced tool call cannot be combined with a format', async () => {
    await wired.client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'Plain' }], response_format: { type: 'text' } });
    expect(upstream().body).not.toHaveProperty('format');
    const tool: OpenAI.ChatCompletionFunctionTool = { type: 'function', function: { name: 'save', parameters: { type: 'object', properties: {} } } };
    await expect(
      wired.client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'Both' }], tools: [tool], tool_choice: 'required', response_format: { type: 'json_object' } }),
    ).rejects.toMatchObject({ status: 400, param: 'response_format' });
    await expect(
      wired.client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'Bad' }], response_format: { type: 'xml' } as unknown as OpenAI.ResponseFormatText }),
    ).rejects.toMatchObject({ status: 400 });
  });
});
