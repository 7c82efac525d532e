import { dropDatabase } from '@corral/db';
import { testDatabaseUrl } from '@corral/db/testing';
import { startStack, type Stack } from '@corral/testkit';
import { validateAgainstOpenAPI } from '@corral/testkit/testing';
import OpenAI from 'openai';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

function expectItemListSchema(value: unknown): void {
  expect(validateAgainstOpenAPI('ResponseItemList', value).errors).toEqual([]);
}

function textsOf(items: readonly OpenAI.Responses.ResponseItem[]): string[] {
  return items.map((item) => (item.type === 'message' ? item.content.map((part) => ('text' in part ? part.text : part.type)).join('|') : item.type));
}

describe('stored /v1/responses: delete and input_items, through the official SDK', () => {
  let stack: Stack;
  let databaseUrl: string;
  let database: pg.Pool;
  let ownerKey: string;
  let client: OpenAI;
  let stranger: OpenAI;

  beforeAll(async () => {
    databaseUrl = testDatabaseUrl('e2erespstore');
    stack = await startStack({ workers: [{ emulator: { tokensPerReply: 6 } }], accounting: { databaseUrl } });
    database = new pg.Pool({ connectionString: databaseUrl });
    ownerKey = await stack.createKey('store-owner');
    const strangerKey = await stack.createKey('store-stranger');
    client = new OpenAI({ baseURL: `${stack.edgeUrl}/v1`, apiKey: ownerKey, maxRetries: 0 });
    stranger = new OpenAI({ baseURL: `${stack.edgeUrl}/v1`, apiKey: strangerKey, maxRetries: 0 });
  });
  afterAll(async () => {
    await database?.end();
    await stack?.close();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  const get = (path: string, key = ownerKey) => fetch(`${stack.edgeUrl}/v1/responses/${path}`, { headers: { authorization: `Bearer ${key}` } });

  it('deletes a response: OpenAI’s deleted object, then 404 to retrieve, delete again or chain onto it', async () => {
    const response = await client.responses.create({ model: 'llama3.2', input: 'Soon forgotten' });
    await client.responses.delete(response.id);
    await expect(client.responses.retrieve(response.id)).rejects.toMatchObject({ status: 404, code: 'not_found', param: 'response_id' });
    await expect(client.responses.delete(response.id)).rejects.toMatchObject({ status: 404, code: 'not_found' });
    await expect(client.responses.inputItems.list(response.id)).rejects.toMatchObject({ status: 404 });
    await expect(client.responses.create({ model: 'llama3.2', input: 'continue', previous_response_id: response.id })).rejects.toMatchObject({
      status: 404,
      code: 'previous_response_not_found',
      param: 'previous_response_id',
    });

    const other = await client.responses.create({ model: 'llama3.2', input: 'Also forgotten' });
    const raw = await fetch(`${stack.edgeUrl}/v1/responses/${other.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${ownerKey}` } });
    expect(raw.status).toBe(200);
    expect(await raw.json()).toEqual({ id: other.id, object: 'response', deleted: true });
    const { rows } = await database.query('SELECT id FROM responses WHERE id = $1', [other.id]);
    expect(rows).toEqual([]);

    const missing = await fetch(`${stack.edgeUrl}/v1/responses/resp_neverexisted`, { method: 'DELETE', headers: { authorization: `Bearer ${ownerKey}` } });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { message: "Response with id 'resp_neverexisted' not found.", type: 'invalid_request_error', param: 'response_id', code: 'not_found' } });
  });

  it('answers another key’s delete and listing with the same 404, and the owner keeps the response', async () => {
    const mine = await client.responses.create({ model: 'llama3.2', input: 'Mine to keep' });
    await expect(stranger.responses.delete(mine.id)).rejects.toMatchObject({ status: 404, code: 'not_found' });
    await expect(stranger.responses.inputItems.list(mine.id)).rejects.toMatchObject({ status: 404, code: 'not_found' });
    expect((await client.responses.retrieve(mine.id)).id).toBe(mine.id);
    expect(textsOf((await client.responses.inputItems.list(mine.id)).data)).toEqual(['Mine to keep']);
  });

  it('lists a string input as one user message with one input_text part, without the instructions', async () => {
    const response = await client.responses.create({ model: 'llama3.2', input: 'Tell me a three sentence bedtime story.', instructions: 'Be brief.' });
    const page = await client.responses.inputItems.list(response.id);
    expect(page.data).toEqual([{ id: expect.stringMatching(/^msg_/), type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: 'Tell me a three sentence bedtime story.' }] }]);
    expect(page.has_more).toBe(false);

    const body = (await (await get(`${response.id}/input_items`)).json()) as OpenAI.Responses.ResponseItemList;
    expect(body).toEqual({ object: 'list', data: page.data, first_id: page.data[0]!.id, last_id: page.data[0]!.id, has_more: false });
    expectItemListSchema(body);
  });

  it('lists item inputs newest first by default, ascending on request, and pages with limit and after', async () => {
    // The SDK's input types have no id on user messages; the API accepts one (and keeps it).
    const withId = { type: 'message' as const, id: 'msg_clientchosen', role: 'user' as const, content: 'Second question' };
    const response = await client.responses.create({
      model: 'llama3.2',
      input: [
        { role: 'developer', content: 'Answer in one word.' },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'First question' }, { type: 'input_text', text: 'with two parts' }] },
        withId,
      ],
    });
    const all = await client.responses.inputItems.list(response.id);
    expect(textsOf(all.data)).toEqual(['Second question', 'First question|with two parts', 'Answer in one word.']);
    expect(all.data.map((item) => (item.type === 'message' ? item.role : item.type))).toEqual(['user', 'user', 'developer']);
    expect(all.data[0]!.id).toBe('msg_clientchosen');
    expect(all.data.every((item) => /^msg_/.test(item.id))).toBe(true);

    const ascending = await client.responses.inputItems.list(response.id, { order: 'asc' });
    expect(ascending.data).toEqual([...all.data].reverse());

    const first = await client.responses.inputItems.list(response.id, { order: 'asc', limit: 2 });
    expect(textsOf(first.data)).toEqual(['Answer in one word.', 'First question|with two parts']);
    expect(first.has_more).toBe(true);
    const second = await client.responses.inputItems.list(response.id, { order: 'asc', limit: 2, after: first.data[1]!.id });
    expect(second.data).toEqual([ascending.data[2]]);
    expect(second.has_more).toBe(false);

    // The SDK's own pagination follows has_more and the last id.
    const walked: string[] = [];
    for await (const item of client.responses.inputItems.list(response.id, { limit: 1 })) walked.push(item.id);
    expect(walked).toEqual(all.data.map((item) => item.id));

    for (const query of ['', '?order=asc', '?limit=2', `?limit=1&order=desc&after=${all.data[0]!.id}`, '?include[]=message.input_image.image_url']) {
      const listed = await get(`${response.id}/input_items${query}`);
      expect(listed.status, query).toBe(200);
      expectItemListSchema(await listed.json());
    }
  });

  it('lists only the input of the request itself when it chains onto a previous response, tool outputs included', async () => {
    const weatherTool = { type: 'function' as const, name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, strict: false };
    const first = await client.responses.create({ model: 'llama3.2', input: 'Weather in Paris? Use get_weather.', tools: [weatherTool] });
    const call = first.output.find((item): item is OpenAI.Responses.ResponseFunctionToolCall => item.type === 'function_call');
    expect(call).toBeDefined();
    const second = await client.responses.create({
      model: 'llama3.2',
      previous_response_id: first.id,
      input: [{ type: 'function_call_output', call_id: call!.call_id, output: '{"temperature": 21}' }],
      tools: [weatherTool],
    });
    const page = await client.responses.inputItems.list(second.id);
    expect(page.data).toEqual([{ id: expect.stringMatching(/^fco_/), type: 'function_call_output', status: 'completed', call_id: call!.call_id, output: '{"temperature": 21}' }]);
    expectItemListSchema(await (await get(`${second.id}/input_items`)).json());
  });

  it('lists nothing for a response stored without input items (stored before they were kept)', async () => {
    const response = await client.responses.create({ model: 'llama3.2', input: 'An old row' });
    await database.query('UPDATE responses SET input_items = NULL WHERE id = $1', [response.id]);
    const page = await client.responses.inputItems.list(response.id);
    expect(page.data).toEqual([]);
    expect(page.has_more).toBe(false);
    expect(await (await get(`${response.id}/input_items`)).json()).toEqual({ object: 'list', data: [], first_id: null, last_id: null, has_more: false });
  });

  it('refuses invalid list parameters with a 400 naming the parameter', async () => {
    const response = await client.responses.create({ model: 'llama3.2', input: 'Something to list' });
    await expect(client.responses.inputItems.list(response.id, { limit: 0 })).rejects.toMatchObject({ status: 400, type: 'invalid_request_error', param: 'limit' });
    for (const [query, param] of [
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=many', 'limit'],
      ['order=sideways', 'order'],
      ['after=msg_notinthisresponse', 'after'],
    ] as const) {
      const refused = await get(`${response.id}/input_items?${query}`);
      const body = (await refused.json()) as { error: { type: string; param: string | null; code: string | null; message: string } };
      expect([refused.status, body.error.type, body.error.param, body.error.code], `${query} → ${body.error.message}`).toEqual([400, 'invalid_request_error', param, 'invalid_value']);
    }
    const unauthenticated = await fetch(`${stack.edgeUrl}/v1/responses/${response.id}/input_items?order=sideways`);
    expect(unauthenticated.status).toBe(401);
  });
});
