import { failure, invalidValue, ok, type Result } from '../errors.ts';
import { createId, IdPrefix } from '../ids.ts';
import type { ResponseInputItem, ResponsesRequest } from './request-schema.ts';
import type { OutputTextPart, SummaryTextPart } from './wire-types.ts';
import { excerpt } from '../shared/excerpt.ts';

/**
 * The input items of a stored response as GET /v1/responses/{id}/input_items returns them
 * (OpenAI's `ItemResource` members): every item has an id, messages carry content parts.
 */

export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

export interface InputTextPart {
  type: 'input_text';
  text: string;
}

export interface InputImagePart {
  type: 'input_image';
  image_url: string | null;
  file_id: string | null;
  detail: 'auto' | 'low' | 'high' | 'original';
}

export interface InputFilePart {
  type: 'input_file';
  [field: string]: unknown;
}

export type InputContentPart = InputTextPart | InputImagePart | InputFilePart;

export interface RefusalPart {
  type: 'refusal';
  refusal: string;
}

/** A user, system or developer message (`InputMessageResource`). */
export interface InputMessageResource {
  id: string;
  type: 'message';
  role: 'user' | 'system' | 'developer';
  status: ItemStatus;
  content: InputContentPart[];
}

/** An assistant message given back as input (`OutputMessage`). */
export interface AssistantMessageResource {
  id: string;
  type: 'message';
  role: 'assistant';
  status: ItemStatus;
  content: Array<OutputTextPart | RefusalPart | InputContentPart>;
}

export interface FunctionCallResource {
  id: string;
  type: 'function_call';
  status: ItemStatus;
  call_id: string;
  name: string;
  arguments: string;
  namespace?: string;
}

export interface FunctionCallOutputResource {
  id: string;
  type: 'function_call_output';
  status: ItemStatus;
  call_id: string;
  output: string | InputContentPart[];
}

export interface ReasoningResource {
  id: string;
  type: 'reasoning';
  summary: SummaryTextPart[];
  content?: Array<{ type: 'reasoning_text'; text: string }>;
  status?: ItemStatus;
}

export type ResponseItemResource = InputMessageResource | AssistantMessageResource | FunctionCallResource | FunctionCallOutputResource | ReasoningResource;

/** OpenAI's `ResponseItemList`. The ids are null on an empty page (the schema says string; OpenAI sends null). */
export interface ResponseItemList<Item = ResponseItemResource> {
  object: 'list';
  data: Item[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

const STATUSES: ReadonlySet<string> = new Set<ItemStatus>(['in_progress', 'completed', 'incomplete']);

function statusOf(given: string | null | undefined): ItemStatus {
  return given != null && STATUSES.has(given) ? (given as ItemStatus) : 'completed';
}

type MessageItem = Extract<ResponseInputItem, { type: 'message' }>;
type MessagePart = Exclude<MessageItem['content'], string>[number];
type OutputPart = Exclude<Extract<ResponseInputItem, { type: 'function_call_output' }>['output'], string>[number];

function inputPart(part: MessagePart | OutputPart): InputContentPart {
  switch (part.type) {
    case 'input_text':
      return { type: 'input_text', text: part.text };
    // Assistant-only parts in a user turn are, to the model, text the user sent.
    case 'output_text':
      return { type: 'input_text', text: part.text };
    case 'refusal':
      return { type: 'input_text', text: part.refusal };
    case 'input_image':
      return { type: 'input_image', image_url: part.image_url ?? null, file_id: part.file_id ?? null, detail: part.detail ?? 'auto' };
    case 'input_file':
      return { ...part, type: 'input_file' };
  }
}

function assistantPart(part: MessagePart): AssistantMessageResource['content'][number] {
  switch (part.type) {
    case 'input_text':
    case 'output_text':
      return { type: 'output_text', text: part.text, annotations: part.type === 'output_text' ? (part.annotations ?? []) : [], logprobs: part.type === 'output_text' ? (part.logprobs ?? []) : [] };
    case 'refusal':
      return { type: 'refusal', refusal: part.refusal };
    default:
      return inputPart(part);
  }
}

function messageResource(item: MessageItem, id: string): InputMessageResource | AssistantMessageResource {
  const status = statusOf(item.status);
  if (item.role === 'assistant') {
    const content = typeof item.content === 'string' ? [{ type: 'output_text' as const, text: item.content, annotations: [], logprobs: [] }] : item.content.map(assistantPart);
    return { id, type: 'message', role: 'assistant', status, content };
  }
  const content = typeof item.content === 'string' ? [{ type: 'input_text' as const, text: item.content }] : item.content.map(inputPart);
  return { id, type: 'message', role: item.role, status, content };
}

const PREFIXES: Record<ResponseItemResource['type'], IdPrefix> = {
  message: IdPrefix.message,
  function_call: IdPrefix.functionCall,
  function_call_output: IdPrefix.functionCallOutput,
  reasoning: IdPrefix.reasoning,
};

/**
 * A request's `input` as the items OpenAI lists for the response: a string is one user message
 * with one `input_text` part; every item keeps the id the caller gave it or gets a new one
 * (`newId`, injectable for tests). An id already taken by an earlier item is replaced, so the ids
 * stay usable as pagination cursors. `instructions` are not input items; neither are the items
 * of the responses before it in a `previous_response_id` chain (only this request's input, as
 * OpenAI). Reasoning items leave out `encrypted_content`, which OpenAI only returns on request.
 */
export function responseInputItems(input: ResponsesRequest['input'], newId: (prefix: IdPrefix) => string = createId): ResponseItemResource[] {
  if (typeof input === 'string') return [{ id: newId(IdPrefix.message), type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: input }] }];
  const taken = new Set<string>();
  const items: ResponseItemResource[] = [];
  for (const item of input) {
    // Refused by parseResponsesRequest: nothing to list.
    if (item.type === 'item_reference') continue;
    const given = item.id ?? '';
    const id = given !== '' && !taken.has(given) ? given : newId(PREFIXES[item.type]);
    taken.add(id);
    switch (item.type) {
      case 'message':
        items.push(messageResource(item, id));
        break;
      case 'function_call':
        items.push({
          id,
          type: 'function_call',
          status: statusOf(item.status),
          call_id: item.call_id,
          name: item.name,
          arguments: item.arguments,
          ...(item.namespace != null ? { namespace: item.namespace } : {}),
        });
        break;
      case 'function_call_output':
        items.push({
          id,
          type: 'function_call_output',
          status: statusOf(item.status),
          call_id: item.call_id,
          output: typeof item.output === 'string' ? item.output : item.output.map(inputPart),
        });
        break;
      case 'reasoning':
        items.push({
          id,
          type: 'reasoning',
          summary: item.summary,
          ...(item.content != null ? { content: item.content } : {}),
          ...(item.status != null && STATUSES.has(item.status) ? { status: item.status as ItemStatus } : {}),
        });
        break;
    }
  }
  return items;
}

export const InputItemsOrder = { ascending: 'asc', descending: 'desc' } as const;
export type InputItemsOrder = (typeof InputItemsOrder)[keyof typeof InputItemsOrder];

export interface InputItemsQuery {
  /** 1..100, default 20. */
  limit: number;
  /** Default `desc`: the last input item first. */
  order: InputItemsOrder;
  /** An item id: the page starts right after it, in `order`. */
  after?: string;
}

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

/** One query value as the HTTP layer hands it over: absent, a string, or an array when repeated. */
function single(query: Record<string, unknown>, param: string): Result<string | undefined> {
  const value = query[param];
  if (value === undefined) return ok(undefined);
  if (typeof value !== 'string') return failure(invalidValue(param, 'expected a single value.'));
  return ok(value);
}

/**
 * The query of GET /v1/responses/{id}/input_items. `include` is accepted and ignored (nothing it
 * names applies to input items Corral stores); other unknown parameters are ignored as well.
 */
export function parseInputItemsQuery(query: Record<string, unknown>): Result<InputItemsQuery> {
  const limit = single(query, 'limit');
  if (!limit.ok) return limit;
  let limitValue = DEFAULT_LIMIT;
  if (limit.value !== undefined) {
    limitValue = /^\d{1,4}$/.test(limit.value) ? Number(limit.value) : Number.NaN;
    if (!(limitValue >= 1 && limitValue <= MAX_LIMIT)) return failure(invalidValue('limit', `expected an integer from 1 to ${MAX_LIMIT}, got '${excerpt(limit.value)}'.`));
  }
  const order = single(query, 'order');
  if (!order.ok) return order;
  if (order.value !== undefined && order.value !== InputItemsOrder.ascending && order.value !== InputItemsOrder.descending) {
    return failure(invalidValue('order', `expected 'asc' or 'desc', got '${excerpt(order.value)}'.`));
  }
  const after = single(query, 'after');
  if (!after.ok) return after;
  if (after.value === '') return failure(invalidValue('after', 'expected an item id, got an empty value.'));
  return ok({ limit: limitValue, order: order.value ?? InputItemsOrder.descending, ...(after.value !== undefined ? { after: after.value } : {}) });
}

/** One page of a response's input items; an `after` that names none of them is a 400. */
export function listInputItems<Item extends { id: string }>(items: readonly Item[], query: InputItemsQuery): Result<ResponseItemList<Item>> {
  const ordered = query.order === InputItemsOrder.ascending ? items : [...items].reverse();
  let start = 0;
  if (query.after !== undefined) {
    const index = ordered.findIndex((item) => item.id === query.after);
    if (index === -1) return failure(invalidValue('after', `no input item of this response has the id '${excerpt(query.after)}'.`));
    start = index + 1;
  }
  const data = ordered.slice(start, start + query.limit);
  return ok({ object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: start + data.length < ordered.length });
}
