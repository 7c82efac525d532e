import { createRequire } from 'node:module';
import type { TiktokenBPE } from 'js-tiktoken/lite';

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

/** Every token's bytes, back to back, and where each starts: ~1 MB in all. */
interface DecodeTable {
  bytes: Uint8Array;
  /** `starts[id]` .. `starts[id + 1]` are the bytes of token `id`. */
  starts: Uint32Array;
}

/**
 * js-tiktoken ships the ranks as base64 tokens in rank order (`bpe_ranks`: lines of
 * `<label> <first rank> <token> <token> …`). Its `Tiktoken` class would also build the encoder's
 * tables (~300 ms and ~36 MB); decoding needs only each token's bytes (~40 ms, ~1.5 MB).
 */
function buildDecodeTable(ranks: TiktokenBPE): DecodeTable {
  const tokens: string[] = [];
  for (const line of ranks.bpe_ranks.split('\n')) {
    const [, firstRank, ...lineTokens] = line.split(' ');
    if (firstRank === undefined) continue;
    lineTokens.forEach((token, index) => (tokens[Number.parseInt(firstRank, 10) + index] = token));
  }
  for (const [text, id] of Object.entries(ranks.special_tokens)) tokens[id] = Buffer.from(text).toString('base64');

  const buffer = Buffer.alloc(ranks.bpe_ranks.length + JSON.stringify(ranks.special_tokens).length);
  const starts = new Uint32Array(tokens.length + 1);
  let end = 0;
  for (let id = 0; id < tokens.length; id += 1) {
    starts[id] = end;
    const token = tokens[id];
    if (token !== undefined) end += buffer.write(token, end, 'base64');
  }
  starts[tokens.length] = end;
  return { bytes: new Uint8Array(buffer.subarray(0, end)), starts };
}

let table: DecodeTable | undefined;

/**
 * Loaded on the first token-id input, so a process that never sees one never pays for it.
 * `require` keeps decoding synchronous, like the rest of request validation.
 */
function decodeTable(): DecodeTable {
  table ??= buildDecodeTable(createRequire(import.meta.url)('js-tiktoken/ranks/cl100k_base') as TiktokenBPE);
  return table;
}

/** Kept as tiktoken keeps it (TextDecoder would drop a leading one); bad bytes become U+FFFD. */
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Token ids → text, as tiktoken decodes them: the tokens' bytes joined, then read as UTF-8 (a
 * character cut between two inputs becomes U+FFFD). The ids must pass `isTokenId`.
 */
export function decodeTokenIds(ids: readonly number[]): string {
  const { bytes, starts } = decodeTable();
  let length = 0;
  for (const id of ids) length += starts[id + 1]! - starts[id]!;
  const joined = new Uint8Array(length);
  let offset = 0;
  // Tokens average 3 bytes: a plain loop beats a native copy per token.
  for (const id of ids) {
    for (let index = starts[id]!, end = starts[id + 1]!; index < end; index += 1) joined[offset++] = bytes[index]!;
  }
  return utf8.decode(joined);
}
