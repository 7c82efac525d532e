import type { ChatChunk, ToolCall } from '@corral/ollama';
import type { OpenAIError } from '../errors.ts';
import { createId, IdPrefix } from '../ids.ts';
import { parseForcedToolCall, ToolMode } from '../shared/tools.ts';
import { usageFromNative, type CompletionUsage } from '../usage.ts';
import type {
  FunctionCallOutputItem,
  OutputMessageItem,
  OutputTextPart,
  ReasoningOutputItem,
  ResponseObject,
  ResponseSettings,
  ResponseStatus,
  ResponseStreamEvent,
  ResponseUsage,
} from './wire-types.ts';

export interface ResponsesStreamOptions {
  /** `resp_…` (see `createResponseId`). */
  id: string;
  /** The model name shown to the caller. */
  model: string;
  /** Unix seconds. */
  createdAt: number;
  settings: ResponseSettings;
  toolMode: ToolMode;
  forcedToolNames?: readonly string[];
  parallelToolCalls?: boolean;
  maxToolCalls?: number;
  excludeReasoning: boolean;
  includeEncryptedReasoning: boolean;
}

export interface ResponsesStreamTranslator {
  /** `response.created` and `response.in_progress` (also sent by the first `push` if not called). */
  start(): ResponseStreamEvent[];
  push(chunk: ChatChunk): ResponseStreamEvent[];
  /** Closes open items, then `response.completed` (or `response.incomplete` when cut by the token limit). */
  finish(final: ChatChunk): ResponseStreamEvent[];
  /** Ends a broken stream with `response.failed` carrying the error. */
  fail(error: OpenAIError): ResponseStreamEvent[];
  /** The response object as it stands (final after `finish`/`fail`). */
  response(): ResponseObject;
  usage(): CompletionUsage | undefined;
}

function responseUsage(usage: CompletionUsage): ResponseUsage {
  return {
    input_tokens: usage.prompt_tokens,
    // Ollama reports neither cache hits nor reasoning tokens separately.
    input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
    output_tokens: usage.completion_tokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: usage.total_tokens,
  };
}

function unixSeconds(timestamp: string, fallback: number): number {
  const milliseconds = Date.parse(timestamp);
  return Number.isNaN(milliseconds) ? fallback : Math.floor(milliseconds / 1000);
}

/**
 * Native chat chunks → the /v1/responses event sequence the openai SDK's `responses.stream()`
 * accumulates: items open with `output_item.added`, fill through their part/delta events and
 * close with `output_item.done` before the next item opens; every event has a
 * `sequence_number` counting from 0.
 */
export function createResponsesStreamTranslator(options: ResponsesStreamOptions): ResponsesStreamTranslator {
  const { settings } = options;
  const { think: _think, ...reported } = settings;
  const forced = options.toolMode === ToolMode.forced;
  const parallel = options.parallelToolCalls ?? true;
  const response: ResponseObject = {
    id: options.id,
    object: 'response',
    created_at: options.createdAt,
    completed_at: null,
    status: 'in_progress',
    error: null,
    incomplete_details: null,
    model: options.model,
    output: [],
    background: false,
    service_tier: 'default',
    top_logprobs: 0,
    ...reported,
  };
  let sequence = 0;
  let started = false;
  let ended = false;
  let open: { kind: 'reasoning'; item: ReasoningOutputItem; index: number; text: string } | { kind: 'message'; item: OutputMessageItem; index: number; text: string } | undefined;
  let toolCalls = 0;
  let forcedContent = '';
  let finalUsage: CompletionUsage | undefined;

  const event = (type: string, fields: Record<string, unknown>): ResponseStreamEvent => ({ type, sequence_number: sequence++, ...structuredClone(fields) });

  function start(): ResponseStreamEvent[] {
    if (started) return [];
    started = true;
    return [event('response.created', { response }), event('response.in_progress', { response })];
  }

  function closeOpen(status: 'completed' | 'incomplete'): ResponseStreamEvent[] {
    const current = open;
    if (current === undefined) return [];
    open = undefined;
    const base = { item_id: current.item.id, output_index: current.index };
    if (current.kind === 'reasoning') {
      const part = { type: 'summary_text' as const, text: current.text };
      current.item.summary = [part];
      if (options.includeEncryptedReasoning) current.item.encrypted_content = current.text;
      return [
        event('response.reasoning_summary_text.done', { ...base, summary_index: 0, text: current.text }),
        event('response.reasoning_summary_part.done', { ...base, summary_index: 0, part }),
        event('response.output_item.done', { output_index: current.index, item: current.item }),
      ];
    }
    const part: OutputTextPart = { type: 'output_text', text: current.text, annotations: [], logprobs: [] };
    current.item.content = [part];
    current.item.status = status;
    return [
      event('response.output_text.done', { ...base, content_index: 0, text: current.text, logprobs: [] }),
      event('response.content_part.done', { ...base, content_index: 0, part }),
      event('response.output_item.done', { output_index: current.index, item: current.item }),
    ];
  }

  function reasoningDelta(text: string): ResponseStreamEvent[] {
    const output: ResponseStreamEvent[] = [];
    if (open?.kind !== 'reasoning') {
      output.push(...closeOpen('completed'));
      const item: ReasoningOutputItem = { id: createId(IdPrefix.reasoning), type: 'reasoning', summary: [] };
      const index = response.output.push(item) - 1;
      open = { kind: 'reasoning', item, index, text: '' };
      output.push(
        event('response.output_item.added', { output_index: index, item }),
        event('response.reasoning_summary_part.added', { item_id: item.id, output_index: index, summary_index: 0, part: { type: 'summary_text', text: '' } }),
      );
    }
    open.text += text;
    output.push(event('response.reasoning_summary_text.delta', { item_id: open.item.id, output_index: open.index, summary_index: 0, delta: text }));
    return output;
  }

  function textDelta(text: string): ResponseStreamEvent[] {
    const output: ResponseStreamEvent[] = [];
    if (open?.kind !== 'message') {
      output.push(...closeOpen('completed'));
      const item: OutputMessageItem = { id: createId(IdPrefix.message), type: 'message', role: 'assistant', status: 'in_progress', content: [] };
      const index = response.output.push(item) - 1;
      open = { kind: 'message', item, index, text: '' };
      output.push(
        event('response.output_item.added', { output_index: index, item }),
        event('response.content_part.added', { item_id: item.id, output_index: index, content_index: 0, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } }),
      );
    }
    open.text += text;
    open.item.content = [{ type: 'output_text', text: open.text, annotations: [], logprobs: [] }];
    output.push(event('response.output_text.delta', { item_id: open.item.id, output_index: open.index, content_index: 0, delta: text, logprobs: [] }));
    return output;
  }

  function functionCalls(calls: readonly ToolCall[]): ResponseStreamEvent[] {
    const output: ResponseStreamEvent[] = [];
    for (const call of calls) {
      if ((!parallel && toolCalls > 0) || (options.maxToolCalls !== undefined && toolCalls >= options.maxToolCalls)) break;
      output.push(...closeOpen('completed'));
      toolCalls += 1;
      const argumentsText = JSON.stringify(call.function.arguments ?? {});
      const item: FunctionCallOutputItem = {
        id: createId(IdPrefix.functionCall),
        type: 'function_call',
        status: 'in_progress',
        call_id: call.id !== undefined && call.id !== '' ? call.id : createId(IdPrefix.toolCall),
        name: call.function.name,
        arguments: '',
      };
      const index = response.output.push(item) - 1;
      output.push(event('response.output_item.added', { output_index: index, item }));
      item.arguments = argumentsText;
      item.status = 'completed';
      output.push(
        event('response.function_call_arguments.delta', { item_id: item.id, output_index: index, delta: argumentsText }),
        event('response.function_call_arguments.done', { item_id: item.id, output_index: index, name: item.name, arguments: argumentsText }),
        event('response.output_item.done', { output_index: index, item }),
      );
    }
    return output;
  }

  function translate(native: ChatChunk): ResponseStreamEvent[] {
    if (ended) return [];
    const output = start();
    const message = native.message;
    if (message.thinking !== undefined && message.thinking !== '' && !options.excludeReasoning) output.push(...reasoningDelta(message.thinking));
    if (message.content !== '') {
      if (forced) forcedContent += message.content;
      else output.push(...textDelta(message.content));
    }
    if (message.tool_calls !== undefined && message.tool_calls.length > 0) output.push(...functionCalls(message.tool_calls));
    return output;
  }

  function resolveForcedCall(): ResponseStreamEvent[] {
    if (!forced || toolCalls > 0 || forcedContent === '') return [];
    const call = parseForcedToolCall(forcedContent, options.forcedToolNames ?? []);
    if (call === undefined) return textDelta(forcedContent);
    return functionCalls([{ function: { name: call.name, arguments: call.arguments } }]);
  }

  function terminal(status: ResponseStatus, type: string, completedAt: number | null): ResponseStreamEvent {
    response.status = status;
    response.completed_at = completedAt;
    ended = true;
    return event(type, { response });
  }

  function finish(final: ChatChunk): ResponseStreamEvent[] {
    if (ended) return [];
    const output = translate(final);
    output.push(...resolveForcedCall());
    const truncated = final.done_reason === 'length';
    output.push(...closeOpen(truncated ? 'incomplete' : 'completed'));
    finalUsage = usageFromNative(final);
    response.usage = responseUsage(finalUsage);
    if (truncated) {
      response.incomplete_details = { reason: 'max_output_tokens' };
      output.push(terminal('incomplete', 'response.incomplete', null));
    } else {
      output.push(terminal('completed', 'response.completed', unixSeconds(final.created_at, options.createdAt)));
    }
    return output;
  }

  function fail(error: OpenAIError): ResponseStreamEvent[] {
    if (ended) return [];
    const output = start();
    output.push(...closeOpen('incomplete'));
    // ResponseError codes are a closed set: rate limits keep theirs, everything else is a server error.
    response.error = { code: error.status === 429 ? 'rate_limit_exceeded' : 'server_error', message: error.message };
    output.push(terminal('failed', 'response.failed', null));
    return output;
  }

  return {
    start,
    push: (native) => (native.done ? finish(native) : translate(native)),
    finish,
    fail,
    response: () => structuredClone(response),
    usage: () => finalUsage,
  };
}

export function createResponseId(): string {
  return createId(IdPrefix.response);
}
