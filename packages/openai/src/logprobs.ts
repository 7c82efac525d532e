import type { Logprob, TokenLogprob } from '@corral/ollama';

export interface ChatTokenLogprob {
  token: string;
  logprob: number;
  bytes: number[] | null;
}
export interface ChatCompletionTokenLogprob extends ChatTokenLogprob {
  top_logprobs: ChatTokenLogprob[];
}

const encoder = new TextEncoder();

function tokenEntry(native: TokenLogprob): ChatTokenLogprob {
  return { token: native.token, logprob: native.logprob, bytes: native.bytes ?? [...encoder.encode(native.token)] };
}

/** Native logprobs → `choices[].logprobs.content` entries. */
export function chatLogprobsFromNative(logprobs: readonly Logprob[]): ChatCompletionTokenLogprob[] {
  return logprobs.map((native) => ({ ...tokenEntry(native), top_logprobs: (native.top_logprobs ?? []).map(tokenEntry) }));
}

/** The legacy /v1/completions shape: parallel arrays plus one {token: logprob} map per position. */
export interface CompletionLogprobs {
  tokens: string[];
  token_logprobs: number[];
  top_logprobs: Array<Record<string, number>>;
  text_offset: number[];
}

export function emptyCompletionLogprobs(): CompletionLogprobs {
  return { tokens: [], token_logprobs: [], top_logprobs: [], text_offset: [] };
}

/** Appends native logprobs; `offset` is the text length before these tokens. Returns the new offset. */
export function appendCompletionLogprobs(target: CompletionLogprobs, logprobs: readonly Logprob[], offset: number): number {
  let position = offset;
  for (const native of logprobs) {
    target.tokens.push(native.token);
    target.token_logprobs.push(native.logprob);
    target.top_logprobs.push(Object.fromEntries((native.top_logprobs ?? []).map((top) => [top.token, top.logprob])));
    target.text_offset.push(position);
    position += native.token.length;
  }
  return position;
}
