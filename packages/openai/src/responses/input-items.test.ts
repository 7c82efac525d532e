import { describe, expect, it } from 'vitest';
import { assertOpenAPI } from '../testing/index.ts';
import { listInputItems, parseInputItemsQuery, responseInputItems, type InputItemsQuery, type ResponseItemResource } from './input-items.ts';
import { parseResponsesRequest } from './request-schema.ts';

/** Ids `msg_1`, `fc_2`, … in order of creation, so expectations can name them. */
function sequentialIds(): (prefix: string) => string {
  let next = 0;
  return (prefix) => `${prefix}${++next}`;
}

function itemsOf(input: unknown): ResponseItemResource[] {
  const parsed = parseResponsesRequest({ model: 'm', input });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
  return responseInputItems(parsed.value.input, sequentialIds());
}

const citation = { type: 'url_citation', url: 'https://example.com', title: 'Example', start_index: 0, end_index: 1 };
const png = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

describe('responseInputItems', () => {
  it.each<[string, unknown, ResponseItemResource[]]>([
    ['a string input: one user message with one input_text part', 'Tell me a story.', [{ id: 'msg_1', type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: 'Tell me a story.' }] }]],
    [
      'easy messages (no type), string content, every role',
      [
        { role: 'developer', content: 'Be terse.' },
        { role: 'system', content: 'Speak French.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Bonjour' },
      ],
      [
        { id: 'msg_1', type: 'message', role: 'developer', status: 'completed', content: [{ type: 'input_text', text: 'Be terse.' }] },
        { id: 'msg_2', type: 'message', role: 'system', status: 'completed', content: [{ type: 'input_text', text: 'Speak French.' }] },
        { id: 'msg_3', type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: 'Hi' }] },
        { id: 'msg_4', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Bonjour', annotations: [], logprobs: [] }] },
      ],
    ],
    [
      'content parts: text and images (detail defaults to auto), ids given by the caller kept',
      [
        {
          type: 'message',
          id: 'msg_mine',
          role: 'user',
          content: [
            { type: 'input_text', text: 'What is this?' },
            { type: 'input_image', image_url: 'https://example.com/cat.png' },
            { type: 'input_image', image_url: png, detail: 'low' },
          ],
        },
      ],
      [
        {
          id: 'msg_mine',
          type: 'message',
          role: 'user',
          status: 'completed',
          content: [
            { type: 'input_text', text: 'What is this?' },
            { type: 'input_image', image_url: 'https://example.com/cat.png', file_id: null, detail: 'auto' },
            { type: 'input_image', image_url: png, file_id: null, detail: 'low' },
          ],
        },
      ],
    ],
    [
      'assistant output parts keep their annotations; input_text in an assistant turn becomes output_text',
      [
        { type: 'message', role: 'assistant', status: 'incomplete', content: [{ type: 'output_text', text: 'A', annotations: [citation] }, { type: 'refusal', refusal: 'No.' }, { type: 'input_text', text: 'B' }] },
      ],
      [
        {
          id: 'msg_1',
          type: 'message',
          role: 'assistant',
          status: 'incomplete',
          content: [
            { type: 'output_text', text: 'A', annotations: [citation], logprobs: [] },
            { type: 'refusal', refusal: 'No.' },
            { type: 'output_text', text: 'B', annotations: [], logprobs: [] },
          ],
        },
      ],
    ],
    [
      'output parts in a user turn are text the user sent; an unknown status becomes completed',
      [{ role: 'user', status: 'weird', content: [{ type: 'output_text', text: 'quoted' }, { type: 'refusal', refusal: 'refused' }] }],
      [{ id: 'msg_1', type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: 'quoted' }, { type: 'input_text', text: 'refused' }] }],
    ],
    [
      'a tool round trip: the call keeps its id, the output gets one',
      [
        { role: 'user', content: 'Weather in Paris?' },
        { type: 'function_call', id: 'fc_given', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call_output', call_id: 'call_1', output: '{"temperature":21}' },
        { type: 'function_call_output', call_id: 'call_1', output: [{ type: 'input_text', text: 'parts' }, { type: 'input_image', image_url: png }] },
      ],
      [
        { id: 'msg_1', type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: 'Weather in Paris?' }] },
        { id: 'fc_given', type: 'function_call', status: 'completed', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { id: 'fco_2', type: 'function_call_output', status: 'completed', call_id: 'call_1', output: '{"temperature":21}' },
        {
          id: 'fco_3',
          type: 'function_call_output',
          status: 'completed',
          call_id: 'call_1',
          output: [
            { type: 'input_text', text: 'parts' },
            { type: 'input_image', image_url: png, file_id: null, detail: 'auto' },
          ],
        },
      ],
    ],
    [
      'reasoning keeps its summary but not its encrypted content',
      [{ type: 'reasoning', summary: [{ type: 'summary_text', text: 'thought' }], encrypted_content: 'secret' }],
      [{ id: 'rs_1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'thought' }] }],
    ],
    [
      'an id already used by an earlier item is replaced, so ids stay unique cursors',
      [
        { type: 'message', id: 'msg_same', role: 'user', content: 'one' },
        { type: 'message', id: 'msg_same', role: 'user', content: 'two' },
        { type: 'message', id: '', role: 'user', content: 'three' },
      ],
      [
        { id: 'msg_same', type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: 'one' }] },
        { id: 'msg_1', type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: 'two' }] },
        { id: 'msg_2', type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: 'three' }] },
      ],
    ],
  ])('%s', (_name, input, expected) => {
    const items = itemsOf(input);
    expect(items).toEqual(expected);
    assertOpenAPI('ResponseItemList', { object: 'list', data: items, first_id: items[0]!.id, last_id: items.at(-1)!.id, has_more: false });
  });

  it('creates real, distinct ids by default', () => {
    const parsed = parseResponsesRequest({ model: 'm', input: [{ role: 'user', content: 'a' }, { role: 'user', content: 'b' }] });
    if (!parsed.ok) throw new Error('parse failed');
    const [first, second] = responseInputItems(parsed.value.input);
    expect(first!.id).toMatch(/^msg_[A-Za-z0-9]{24}$/);
    expect(second!.id).not.toBe(first!.id);
  });
});

describe('parseInputItemsQuery', () => {
  it.each<[string, Record<string, unknown>, InputItemsQuery]>([
    ['defaults', {}, { limit: 20, order: 'desc' }],
    ['every parameter', { limit: '100', order: 'asc', after: 'msg_1' }, { limit: 100, order: 'asc', after: 'msg_1' }],
    ['include (either spelling) and unknown parameters ignored', { limit: '1', include: 'reasoning.encrypted_content', 'include[]': ['a', 'b'], other: 'x' }, { limit: 1, order: 'desc' }],
  ])('accepts %s', (_name, query, expected) => {
    expect(parseInputItemsQuery(query)).toEqual({ ok: true, value: expected });
  });

  it.each<[Record<string, unknown>, string]>([
    [{ limit: '0' }, 'limit'],
    [{ limit: '101' }, 'limit'],
    [{ limit: '-1' }, 'limit'],
    [{ limit: '2.5' }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ limit: '' }, 'limit'],
    [{ limit: ['1', '2'] }, 'limit'],
    [{ order: 'sideways' }, 'order'],
    [{ order: 'ASC' }, 'order'],
    [{ after: '' }, 'after'],
    [{ after: ['a', 'b'] }, 'after'],
  ])('refuses %j naming %s', (query, param) => {
    const result = parseInputItemsQuery(query);
    expect(result.ok).toBe(false);
    if (!result.ok) expect([result.error.status, result.error.type, result.error.param, result.error.code]).toEqual([400, 'invalid_request_error', param, 'invalid_value']);
  });
});

describe('listInputItems', () => {
  const items = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id }));
  const ids = (query: InputItemsQuery) => {
    const result = listInputItems(items, query);
    if (!result.ok) throw new Error(result.error.message);
    const { data, ...rest } = result.value;
    return { ids: data.map((item) => item.id).join(''), ...rest };
  };

  it.each<[string, InputItemsQuery, ReturnType<typeof ids>]>([
    ['desc by default: the last input first', { limit: 20, order: 'desc' }, { ids: 'edcba', object: 'list', first_id: 'e', last_id: 'a', has_more: false }],
    ['asc', { limit: 20, order: 'asc' }, { ids: 'abcde', object: 'list', first_id: 'a', last_id: 'e', has_more: false }],
    ['a first page', { limit: 2, order: 'asc' }, { ids: 'ab', object: 'list', first_id: 'a', last_id: 'b', has_more: true }],
    ['the page after b (asc)', { limit: 2, order: 'asc', after: 'b' }, { ids: 'cd', object: 'list', first_id: 'c', last_id: 'd', has_more: true }],
    ['the last page (asc)', { limit: 2, order: 'asc', after: 'd' }, { ids: 'e', object: 'list', first_id: 'e', last_id: 'e', has_more: false }],
    ['an exact fit has no more', { limit: 3, order: 'asc', after: 'b' }, { ids: 'cde', object: 'list', first_id: 'c', last_id: 'e', has_more: false }],
    ['after in desc order', { limit: 2, order: 'desc', after: 'd' }, { ids: 'cb', object: 'list', first_id: 'c', last_id: 'b', has_more: true }],
    ['after the last item: an empty page', { limit: 2, order: 'desc', after: 'a' }, { ids: '', object: 'list', first_id: null, last_id: null, has_more: false }],
  ])('%s', (_name, query, expected) => {
    expect(ids(query)).toEqual(expected);
  });

  it('lists nothing for a response stored without input items', () => {
    expect(listInputItems([], { limit: 20, order: 'desc' })).toEqual({ ok: true, value: { object: 'list', data: [], first_id: null, last_id: null, has_more: false } });
  });

  it('refuses an after that names no item of the response', () => {
    const result = listInputItems(items, { limit: 20, order: 'desc', after: 'zzz' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect([result.error.status, result.error.param]).toEqual([400, 'after']);
  });
});
