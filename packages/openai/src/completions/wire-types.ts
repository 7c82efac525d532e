import type { CompletionLogprobs } from '../logprobs.ts';
import type { CompletionUsage } from '../usage.ts';

export interface CompletionChoice {
  text: string;
  index: number;
  logprobs: CompletionLogprobs | null;
  /** null on streamed chunks before the last one. */
  finish_reason: 'stop' | 'length' | null;
}

/** A `text_completion` object: the whole response, or one streamed chunk. */
export interface Completion {
  id: string;
  object: 'text_completion';
  created: number;
  model: string;
  choices: CompletionChoice[];
  usage?: CompletionUsage;
}
