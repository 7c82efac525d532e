import { z } from 'zod';
import { decodeTokenIds, isTokenId, LARGEST_TOKEN_ID, MAX_TOKENS_PER_REQUEST, TOKEN_ENCODING } from './token-ids.ts';

type Issue = z.core.$ZodRawIssue;

const issue = (message: string, path: PropertyKey[] = []): Issue => ({ code: 'custom', message, path, input: undefined });

function describe(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

/**
 * The first thing wrong with a token list, checked in a plain loop: a request may hold 300,000
 * ids, and a schema per id costs more than the decoding.
 */
function tokenListIssue(list: unknown, path: PropertyKey[]): Issue | undefined {
  if (!Array.isArray(list)) return issue(`expected a token list, received ${describe(list)}`, path);
  if (list.length === 0) return issue('a token list must not be empty', path);
  for (let index = 0; index < list.length; index += 1) {
    const id: unknown = list[index];
    if (typeof id === 'number' && isTokenId(id)) continue;
    const range = `an integer from 0 to ${LARGEST_TOKEN_ID}`;
    const message = typeof id === 'number' ? `${id} is not a ${TOKEN_ENCODING} token id (${range})` : `expected a token id (${range}), received ${describe(id)}`;
    return issue(message, [...path, index]);
  }
  return undefined;
}

const isTokenList = (value: unknown[]): boolean => typeof value[0] === 'number';
const isTokenLists = (value: unknown[]): boolean => Array.isArray(value[0]);

function tokenCount(value: unknown[]): number {
  if (isTokenList(value)) return value.length;
  return value.reduce<number>((total, list) => total + (Array.isArray(list) ? list.length : 0), 0);
}

/** Token ids (one text) or token-id lists (several) → their text, or the first issue. */
function decodeTokenInput(value: unknown[], maxLists: number | undefined): { text: string | string[] } | { issue: Issue } {
  // Counted before any id is checked, so an oversized request costs no per-id work.
  if (tokenCount(value) > MAX_TOKENS_PER_REQUEST) return { issue: issue(`at most ${MAX_TOKENS_PER_REQUEST} tokens are allowed, summed over all inputs`) };
  if (isTokenList(value)) {
    const problem = tokenListIssue(value, []);
    return problem === undefined ? { text: decodeTokenIds(value as number[]) } : { issue: problem };
  }
  if (maxLists !== undefined && value.length > maxLists) return { issue: issue(`at most ${maxLists} token lists are allowed`) };
  for (const [index, list] of value.entries()) {
    const problem = tokenListIssue(list, [index]);
    if (problem !== undefined) return { issue: problem };
  }
  return { text: (value as number[][]).map(decodeTokenIds) };
}

export interface TextOrTokensOptions<Text extends string | string[]> {
  /** The schema of the text forms (a string, a list of strings). */
  text: z.ZodType<Text>;
  /** The most token lists one request may hold. */
  maxLists?: number;
}

/**
 * OpenAI's text-or-tokens parameter (`input`, `prompt`): a string, a list of strings, a list of
 * token ids (one text) or a list of token-id lists (several). Token ids are decoded to text
 * with cl100k_base here, so everything past validation sees text only. The first element picks
 * the one shape to check against: a union would report every shape's complaint.
 */
export function textOrTokens<Text extends string | string[]>(options: TextOrTokensOptions<Text>) {
  // Not a zod array: that would visit every element once more before the checks below.
  return z.unknown().transform((value, payload): Text | string | string[] => {
    if (Array.isArray(value) && (isTokenList(value) || isTokenLists(value))) {
      const decoded = decodeTokenInput(value, options.maxLists);
      if ('text' in decoded) return decoded.text;
      payload.issues.push(decoded.issue);
      return z.NEVER;
    }
    const result = options.text.safeParse(value, { reportInput: true });
    if (result.success) return result.data;
    // Paths stay relative to this parameter: the enclosing object prefixes its name.
    payload.issues.push(...(result.error.issues as Issue[]));
    return z.NEVER;
  });
}
