import type { z } from 'zod';
import { invalidRequest, invalidValue, missingParameter, type OpenAIError } from './errors.ts';
import { excerpt, mostSpecificIssue } from '@corral/ollama';

type Issue = z.core.$ZodIssue;

/**
 * `['messages', 0, 'content']` → `messages[0].content`. Keys are the caller's (a `metadata` key, an
 * unknown argument), so each is cut to a bounded length.
 */
export function formatParameterPath(path: readonly PropertyKey[]): string {
  let rendered = '';
  for (const segment of path) {
    if (typeof segment === 'number') rendered += `[${segment}]`;
    else rendered += (rendered === '' ? '' : '.') + excerpt(String(segment));
  }
  return rendered;
}

function describeInput(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'array';
  return typeof input;
}

/** "expected string or array, received number" for a union none of whose shapes fit. */
function unionMessage(issue: Issue): string {
  if (issue.code !== 'invalid_union') return issue.message;
  const expected = new Set<string>();
  for (const branch of issue.errors) {
    const first = branch[0];
    if (first?.code === 'invalid_type' && first.path.length === 0) expected.add(first.expected);
  }
  if (expected.size === 0) return issue.message;
  return `expected ${[...expected].join(' or ')}, received ${describeInput(issue.input)}`;
}

/** Turns the first zod issue into a 400 naming the offending parameter. */
export function openAIErrorFromZod(error: z.ZodError): OpenAIError {
  const first = error.issues[0];
  if (first === undefined) return invalidRequest('Invalid request body.');
  const { issue, path } = mostSpecificIssue(first);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const param = formatParameterPath([...path, key]);
    return invalidRequest(`Unrecognized request argument supplied: ${param}`, param, 'unknown_parameter');
  }
  const param = formatParameterPath(path);
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return param === '' ? invalidRequest('Request body must be a JSON object.') : missingParameter(param);
  }
  if (param === '') return invalidRequest(`Invalid request body: ${unionMessage(issue)}`);
  return invalidValue(param, unionMessage(issue));
}
