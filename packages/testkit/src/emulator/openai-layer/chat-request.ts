import type { ChatRequest, Message, ThinkValue, ToolCall } from '@corral/ollama';
import { checkFields } from '../decode.ts';
import { goTypeName } from '../duration.ts';
import { badRequest } from './errors.ts';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const imagePrefixes = [
  'data:image/jpeg;base64,',
  'data:image/jpg;base64,',
  'data:image/png;base64,',
  'data:image/webp;base64,',
  'data:;base64,',
];

/** decodeImageURL: only base64 data URLs of a few types; the native side wants the bare base64. */
export function decodeImageUrl(url: string): string {
  if (url.startsWith('http://') || url.startsWith('https://')) {
    throw badRequest('image URLs are not currently supported, please use base64 encoded data instead');
  }
  const prefix = imagePrefixes.find((candidate) => url.startsWith(candidate));
  const data = prefix === undefined ? undefined : url.slice(prefix.length);
  if (data === undefined || !/^[A-Za-z0-9+/]*={0,2}$/.test(data) || data.length % 4 !== 0) {
    throw badRequest('invalid image input');
  }
  return data;
}

/** OpenAI `reasoning_effort` → native `think` (thinkFromReasoningEffort). */
export function thinkFromEffort(effort: unknown): ThinkValue | undefined {
  if (effort === undefined || effort === null || effort === '') return undefined;
  switch (effort) {
    case 'none':
      return false;
    case 'minimal':
      return 'low';
    case 'low':
    case 'medium':
    case 'high':
    case 'max':
      return effort as ThinkValue;
    case 'xhigh':
    case 'ultra':
      return 'max';
    default:
      throw badRequest(
        `invalid reasoning value: ${JSON.stringify(effort)} (must be "minimal", "low", "medium", "high", "xhigh", "ultra", "max", or "none")`,
      );
  }
}

function toNativeToolCalls(calls: unknown): ToolCall[] | undefined {
  if (!Array.isArray(calls) || calls.length === 0) return undefined;
  return calls.map((call: Json, index) => {
    const fn = isObject(call.function) ? call.function : {};
    let parsed: unknown = {};
    if (typeof fn.arguments === 'string' && fn.arguments !== '') {
      try {
        parsed = JSON.parse(fn.arguments);
      } catch {
        throw badRequest('invalid tool call arguments');
      }
    } else if (isObject(fn.arguments)) {
      parsed = fn.arguments;
    }
    const nativeCall: ToolCall = {
      function: { index, name: typeof fn.name === 'string' ? fn.name : '', arguments: parsed as Json },
    };
    if (typeof call.id === 'string') nativeCall.id = call.id;
    return nativeCall;
  });
}

function partToMessage(role: string, part: unknown): Message {
  const value = isObject(part) ? part : {};
  switch (value.type) {
    case 'text':
      return { role, content: typeof value.text === 'string' ? value.text : '' };
    case 'image_url': {
      const image = value.image_url;
      const url = typeof image === 'string' ? image : isObject(image) && typeof image.url === 'string' ? image.url : '';
      return { role, content: '', images: [decodeImageUrl(url)] };
    }
    case 'input_audio': {
      const audio = isObject(value.input_audio) ? value.input_audio : {};
      return { role, content: '', images: [typeof audio.data === 'string' ? audio.data : ''] };
    }
    default:
      throw badRequest('invalid message format');
  }
}

/** FromChatRequest's message conversion: array content becomes one native message per part. */
function toNativeMessages(messages: unknown[]): Message[] {
  const result: Message[] = [];
  const toolNamesById = new Map<string, string>();
  for (const item of messages) {
    const message = isObject(item) ? item : {};
    const role = typeof message.role === 'string' ? message.role : '';
    const toolCalls = toNativeToolCalls(message.tool_calls);
    const content = message.content;
    let converted: Message[];
    if (typeof content === 'string') converted = [{ role, content }];
    else if (Array.isArray(content)) converted = content.map((part) => partToMessage(role, part));
    else if ((content === null || content === undefined) && toolCalls) converted = [{ role, content: '' }];
    else throw badRequest(`invalid message content type: ${goTypeName(content ?? null)}`);
    const last = converted[converted.length - 1];
    if (last) {
      if (typeof message.reasoning === 'string' && message.reasoning !== '') last.thinking = message.reasoning;
      if (toolCalls) {
        last.tool_calls = toolCalls;
        for (const call of toolCalls) if (call.id) toolNamesById.set(call.id, call.function.name);
      }
      if (role === 'tool') {
        const id = typeof message.tool_call_id === 'string' ? message.tool_call_id : undefined;
        const name = typeof message.name === 'string' ? message.name : id ? toolNamesById.get(id) : undefined;
        if (name) last.tool_name = name;
        if (id) last.tool_call_id = id;
      }
    }
    result.push(...converted);
  }
  return result;
}

function stopList(stop: unknown): string[] | undefined {
  if (typeof stop === 'string') return [stop];
  if (Array.isArray(stop)) return stop.filter((item): item is string => typeof item === 'string');
  return undefined;
}

function formatOf(responseFormat: unknown): ChatRequest['format'] | undefined {
  if (!isObject(responseFormat) || typeof responseFormat.type !== 'string') return undefined;
  const type = responseFormat.type.trim().toLowerCase();
  if (type === 'json_object') return 'json';
  if (type === 'json_schema' && isObject(responseFormat.json_schema) && isObject(responseFormat.json_schema.schema)) {
    return responseFormat.json_schema.schema;
  }
  return undefined;
}

export interface ConvertedChat {
  native: ChatRequest;
  includeUsage: boolean;
}

/** /v1/chat/completions body → native /api/chat body (Ollama's FromChatRequest + ChatMiddleware). */
export function fromChatCompletionRequest(body: unknown): ConvertedChat {
  if (!isObject(body)) throw badRequest(`json: cannot unmarshal ${Array.isArray(body) ? 'array' : typeof body} into Go value of type openai.ChatCompletionRequest`);
  checkFields(body, 'ChatCompletionRequest', {
    model: 'string',
    messages: 'array',
    stream: 'bool',
    stream_options: 'map',
    max_tokens: 'int',
    seed: 'int',
    temperature: 'float',
    top_p: 'float',
    frequency_penalty: 'float',
    presence_penalty: 'float',
    response_format: 'map',
    tools: 'array',
    reasoning_effort: 'string',
    reasoning: 'map',
    logprobs: 'bool',
    top_logprobs: 'int',
  });
  if (!Array.isArray(body.messages) || body.messages.length === 0) throw badRequest("[] is too short - 'messages'");
  const options: Record<string, unknown> = {};
  if (typeof body.max_tokens === 'number') options.num_predict = body.max_tokens;
  options.temperature = typeof body.temperature === 'number' ? body.temperature : 1.0;
  options.top_p = typeof body.top_p === 'number' ? body.top_p : 1.0;
  if (typeof body.frequency_penalty === 'number') options.frequency_penalty = body.frequency_penalty;
  if (typeof body.presence_penalty === 'number') options.presence_penalty = body.presence_penalty;
  if (typeof body.seed === 'number') options.seed = body.seed;
  const stop = stopList(body.stop);
  if (stop) options.stop = stop;
  const reasoning = isObject(body.reasoning) && body.reasoning.effort !== undefined ? body.reasoning.effort : body.reasoning_effort;
  const native: ChatRequest = {
    model: typeof body.model === 'string' ? body.model : '',
    messages: toNativeMessages(body.messages),
    options,
    stream: body.stream === true,
  };
  const format = formatOf(body.response_format);
  if (format !== undefined) native.format = format;
  if (Array.isArray(body.tools) && body.tools.length > 0) native.tools = body.tools as ChatRequest['tools'];
  const think = thinkFromEffort(reasoning);
  if (think !== undefined) native.think = think;
  if (body.logprobs === true) native.logprobs = true;
  if (typeof body.top_logprobs === 'number') native.top_logprobs = body.top_logprobs;
  const streamOptions = isObject(body.stream_options) ? body.stream_options : {};
  return { native, includeUsage: streamOptions.include_usage === true };
}
