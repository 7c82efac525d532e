import { createRequire } from 'node:module';
import { Tiktoken, type TiktokenBPE } from 'js-tiktoken/lite';

/**
 * The encoding of token-id inputs, whatever the model: clients that send token ids tokenize with
 * tiktoken, and langchain-openai's OpenAIEmbeddings falls back to cl100k_base for every model
 * tiktoken does not know (all of Ollama's).
 */
export const TOKEN_ENCODING = 'cl100k_base';

/** OpenAI's cap on tokens summed over a request's inputs; langchain-openai batches by it. */
export const MAX_TOKENS_PER_REQUEST = 300_000;

/** cl100k_base's mergeable ranks are 0..100255; its special tokens sit above, with gaps. */
const ORDINARY_TOKEN_COUNT = 100_256;
const SPECIAL_TOKEN_IDS: ReadonlySet<number> = new Set([100_257, 100_258, 100_259, 100_260, 100_276]);
export const LARGEST_TOKEN_ID = 100_276;

/** Whether `id` names a token of cl100k_base (without loading its ranks). */
export function isTokenId(id: number): boolean {
  return Number.isInteger(id) && ((id >= 0 && id < ORDINARY_TOKEN_COUNT) || SPECIAL_TOKEN_IDS.has(id));
}

let encoding: Tiktoken | undefined;

/**
 * The ranks (1 MB of source, ~36 MB of tables once built) are loaded on the first token-id
 * input, so a process that never sees one never pays for them. `require` keeps decoding
 * synchronous, like the rest of request validation.
 */
function cl100kBase(): Tiktoken {
  encoding ??= new Tiktoken(createRequire(import.meta.url)('js-tiktoken/ranks/cl100k_base') as TiktokenBPE);
  return encoding;
}

/** Token 0 is `!`: one byte, one character. */
const LEAD_TOKEN = 0;

/**
 * Token ids → text, as tiktoken decodes them: the tokens' bytes joined, then read as UTF-8
 * (a character cut between two inputs becomes U+FFFD). Callers check the ids with `isTokenId`
 * first: js-tiktoken skips unknown ids silently.
 */
export function decodeTokenIds(ids: number[]): string {
  // js-tiktoken's TextDecoder drops a leading byte-order mark (token 3305 alone would decode to
  // nothing) where tiktoken keeps it; a leading `!`, cut off again, keeps it.
  return cl100kBase().decode([LEAD_TOKEN, ...ids]).slice(1);
}
