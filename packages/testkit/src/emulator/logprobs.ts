import type { Logprob, TokenLogprob } from '@corral/ollama';
import { hashString } from './prng.ts';
import { VOCABULARY } from './vocabulary.ts';

const encoder = new TextEncoder();

function entry(token: string, logprob: number): TokenLogprob {
  const bytes = Array.from(encoder.encode(token));
  return bytes.length > 0 ? { token, logprob, bytes } : { token, logprob };
}

/** A deterministic logprob entry for a generated token; the token itself is always the top alternative. */
export function tokenLogprob(token: string, topCount: number): Logprob {
  const hash = hashString(token);
  const logprob = -((hash % 1000) + 1) / 2000;
  const result: Logprob = entry(token, logprob);
  if (topCount > 0) {
    const top: TokenLogprob[] = [entry(token, logprob)];
    for (let rank = 1; top.length < topCount; rank++) {
      const word = VOCABULARY[(hash + rank) % VOCABULARY.length] ?? '';
      const alternative = ` ${word}`;
      if (alternative === token) continue;
      top.push(entry(alternative, logprob - rank * 0.75));
    }
    result.top_logprobs = top;
  }
  return result;
}
