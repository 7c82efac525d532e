import { z } from 'zod';
import { decodeTokenIds, isTokenId, LARGEST_TOKEN_ID, MAX_TOKENS_PER_REQUEST, TOKEN_ENCODING } from './token-ids.ts';

const tokenId = z.number().refine(isTokenId, {
  error: (issue) => `${String(issue.input)} is not a ${TOKEN_ENCODING} token id (an integer from 0 to ${LARGEST_TOKEN_ID})`,
});
const tokenList = z.array(tokenId).min(1, { error: 'a token list must not be empty' });

const isTokenList = (value: unknown[]): boolean => typeof value[0] === 'number';
const isTokenLists = (value: unknown[]): boolean => Array.isArray(value[0]);

/** Counted before any id is checked, so an oversized request costs no per-id work. */
function tokenCount(value: unknown[]): number {
  if (isTokenList(value)) return value.length;
  return value.reduce<number>((total, list) => total + (Array.isArray(list) ? list.length : 0), 0);
}

export interface TextOrTokensOptions<Text extends string | string[]> {
  /** The schema of the text forms (a string, a list of strings). */
  text: z.ZodType<Text>;
  /** The most token lists one request may hold. */
  maxLists?: number;
}

/**
 * OpenAI's text-or-tokens parameter (`input`, `prompt`): a string, a list of strings, a list of
 * token ids (one text) or a list of token-id lists (several), token ids decoded to text with
 * cl100k_base, so everything past validation sees text only. The first element picks the one
 * shape to validate against: a union would report every shape's complaint and name the wrong one.
 */
export function textOrTokens<Text extends string | string[]>(options: TextOrTokensOptions<Text>) {
  const single = tokenList.transform(decodeTokenIds);
  const lists = (options.maxLists === undefined ? z.array(tokenList) : z.array(tokenList).max(options.maxLists))
    .min(1)
    .transform((values) => values.map(decodeTokenIds));

  return z.union([z.string(), z.array(z.unknown())]).transform((value, payload): Text | string | string[] => {
    const tokens = Array.isArray(value) && (isTokenList(value) || isTokenLists(value));
    if (tokens && tokenCount(value) > MAX_TOKENS_PER_REQUEST) {
      payload.issues.push({ code: 'custom', message: `at most ${MAX_TOKENS_PER_REQUEST} tokens are allowed, summed over all inputs`, input: undefined });
      return z.NEVER;
    }
    const schema = !tokens ? options.text : isTokenList(value) ? single : lists;
    const result = schema.safeParse(value, { reportInput: true });
    if (result.success) return result.data;
    // The chosen shape's issues, paths relative to this parameter (the object prefixes its name).
    payload.issues.push(...(result.error.issues as z.core.$ZodRawIssue[]));
    return z.NEVER;
  });
}
