import type { z } from 'zod';
import { invalidRequest, type AnthropicError } from './errors.ts';
import { excerpt, mostSpecificIssue } from '@corral/ollama';

type Issue = z.core.$ZodIssue;

/** `['messages', 0, 'content']` → `messages.0.content`, the way Anthropic names a field in its messages. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  return path.map((segment) => (typeof segment === 'number' ? String(segment) : excerpt(String(segment)))).join('.');
}

function issueMessage(issue: Issue): string {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'Field required';
  return issue.message;
}

/** The first zod issue as Anthropic's 400: `max_tokens: Field required`. */
export function anthropicErrorFromZod(error: z.ZodError): AnthropicError {
  const first = error.issues[0];
  if (first === undefined) return invalidRequest('Invalid request body.');
  const { issue, path } = mostSpecificIssue(first);
  const field = formatFieldPath(path);
  return invalidRequest(field === '' ? issueMessage(issue) : `${field}: ${issueMessage(issue)}`);
}
