import type { ThinkValue } from '@corral/ollama';

/** The /v1/responses object and its stream events, as Corral produces them. */

export interface OutputTextPart {
  type: 'output_text';
  text: string;
  annotations: unknown[];
  logprobs: unknown[];
}

export interface OutputMessageItem {
  id: string;
  type: 'message';
  role: 'assistant';
  status: 'in_progress' | 'completed' | 'incomplete';
  content: OutputTextPart[];
}

export interface SummaryTextPart {
  type: 'summary_text';
  text: string;
}

export interface ReasoningOutputItem {
  id: string;
  type: 'reasoning';
  summary: SummaryTextPart[];
  /** Corral's own opaque carrier of the reasoning, returned when `include` asks for it. */
  encrypted_content?: string | null;
}

export interface FunctionCallOutputItem {
  id: string;
  type: 'function_call';
  status: 'in_progress' | 'completed' | 'incomplete';
  call_id: string;
  name: string;
  arguments: string;
}

export type ResponseOutputItem = OutputMessageItem | ReasoningOutputItem | FunctionCallOutputItem;

export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

export interface ResponseFunctionTool {
  type: 'function';
  name: string;
  description: string | null;
  parameters: Record<string, unknown> | null;
  strict: boolean | null;
}

export type ResponseToolChoice =
  | 'none'
  | 'auto'
  | 'required'
  | { type: 'function'; name: string }
  | { type: 'allowed_tools'; mode: 'auto' | 'required'; tools: Array<{ type: 'function'; name: string }> };

export type ResponseTextFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema: Record<string, unknown>; description?: string | null; strict?: boolean | null };

/** Request settings a response object reports back (what the caller asked for). */
export interface ResponseSettings {
  instructions: string | null;
  tools: ResponseFunctionTool[];
  tool_choice: ResponseToolChoice;
  parallel_tool_calls: boolean;
  max_tool_calls: number | null;
  max_output_tokens: number | null;
  temperature: number | null;
  top_p: number | null;
  previous_response_id: string | null;
  reasoning: { effort: string | null; summary: string | null } | null;
  text: { format: ResponseTextFormat };
  truncation: 'auto' | 'disabled';
  metadata: Record<string, string>;
  store: boolean;
  user?: string;
  safety_identifier: string | null;
  prompt_cache_key: string | null;
  /** The `think` actually requested natively (not part of OpenAI's object; for the edge). */
  think?: ThinkValue;
}

export interface ResponseObject extends Omit<ResponseSettings, 'think'> {
  id: string;
  object: 'response';
  created_at: number;
  completed_at: number | null;
  status: ResponseStatus;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
  model: string;
  output: ResponseOutputItem[];
  /** Absent until the response ends (OpenAI's schema does not allow null here). */
  usage?: ResponseUsage;
  background: boolean;
  service_tier: 'default';
  top_logprobs: number;
}

/** One event of a /v1/responses stream (`type` is also the SSE event name). */
export interface ResponseStreamEvent {
  type: string;
  sequence_number: number;
  [field: string]: unknown;
}
