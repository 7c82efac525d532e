/** Ollama's native wire format (reference: ollama-api.md §1–§3). Field names are Ollama's. */

export type ThinkValue = boolean | 'low' | 'medium' | 'high' | 'max';

export interface ToolCallFunction {
  index?: number;
  name: string;
  /** A JSON object, not a string (unlike OpenAI). */
  arguments: Record<string, unknown>;
}
export interface ToolCall {
  id?: string;
  function: ToolCallFunction;
}
export interface Tool {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown> };
}

export interface Message {
  role: 'system' | 'user' | 'assistant' | 'tool' | (string & {});
  content: string;
  thinking?: string;
  /** Raw base64, no data: prefix. */
  images?: string[];
  tool_calls?: ToolCall[];
  tool_name?: string;
  tool_call_id?: string;
}

export interface Options {
  num_keep?: number;
  seed?: number;
  num_predict?: number;
  top_k?: number;
  top_p?: number;
  min_p?: number;
  typical_p?: number;
  repeat_last_n?: number;
  temperature?: number;
  repeat_penalty?: number;
  presence_penalty?: number;
  frequency_penalty?: number;
  stop?: string[];
  num_ctx?: number;
  num_batch?: number;
  num_gpu?: number;
  main_gpu?: number;
  use_mmap?: boolean;
  num_thread?: number;
  [key: string]: unknown;
}

export type Format = 'json' | Record<string, unknown>;

export interface ChatRequest {
  model: string;
  messages: Message[];
  tools?: Tool[];
  format?: Format;
  options?: Options;
  stream?: boolean;
  keep_alive?: string | number;
  think?: ThinkValue;
  truncate?: boolean;
  logprobs?: boolean;
  top_logprobs?: number;
}

export interface GenerateRequest {
  model: string;
  prompt?: string;
  suffix?: string;
  images?: string[];
  format?: Format;
  options?: Options;
  system?: string;
  template?: string;
  stream?: boolean;
  raw?: boolean;
  keep_alive?: string | number;
  think?: ThinkValue;
  logprobs?: boolean;
  top_logprobs?: number;
}

export interface EmbedRequest {
  model: string;
  input?: string | string[];
  truncate?: boolean;
  dimensions?: number;
  keep_alive?: string | number;
  options?: Options;
}

export interface TokenLogprob {
  token: string;
  logprob: number;
  bytes?: number[];
}
export interface Logprob extends TokenLogprob {
  top_logprobs?: TokenLogprob[];
}

export interface Metrics {
  total_duration?: number;
  load_duration?: number;
  prompt_eval_count?: number;
  prompt_eval_duration?: number;
  eval_count?: number;
  eval_duration?: number;
}

export type DoneReason = 'stop' | 'length' | 'load' | 'unload' | (string & {});

export interface ChatChunk extends Metrics {
  model: string;
  created_at: string;
  message: Message;
  done: boolean;
  done_reason?: DoneReason;
  logprobs?: Logprob[];
}

export interface GenerateChunk extends Metrics {
  model: string;
  created_at: string;
  response: string;
  thinking?: string;
  done: boolean;
  done_reason?: DoneReason;
  context?: number[];
  tool_calls?: ToolCall[];
  logprobs?: Logprob[];
}

export interface EmbedResponse {
  model: string;
  embeddings: number[][];
  total_duration?: number;
  load_duration?: number;
  prompt_eval_count?: number;
}

export interface ModelDetails {
  parent_model: string;
  format: string;
  family: string;
  families: string[] | null;
  parameter_size: string;
  quantization_level: string;
  context_length?: number;
  embedding_length?: number;
}

export interface ListedModel {
  name: string;
  model: string;
  modified_at: string;
  size: number;
  digest: string;
  details: ModelDetails;
  capabilities?: string[];
}
export interface TagsResponse {
  models: ListedModel[];
}

export interface RunningModel {
  name: string;
  model: string;
  size: number;
  digest: string;
  details: ModelDetails;
  expires_at: string;
  size_vram: number;
  context_length?: number;
}
export interface PsResponse {
  models: RunningModel[];
}
