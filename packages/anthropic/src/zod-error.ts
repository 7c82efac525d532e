import type { z } from 'zod';
import { invalidRequest, type AnthropicError } from './errors.ts';
import { excerpt } from './excerpt.ts';

type Issue = z.core.$ZodIssue;

/** `['messages', 0, 'content']` → `messages.0.content`, the way Anthropic names a field in its messages. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  return path.map((segment) => (typeof segment === 'number' ? String(segment) : excerpt(String(segment)))).join('.');
}

/**
 * A failed union reports every branch; the branch that got furthest into the value names the real
 * mistake (`messages.0.content.1.source.data` rather than "invalid input").
 */
function mostSpecificIssue(issue: Issue, prefix: readonly PropertyKey[]): { issue: Issue; path: PropertyKey[] } {
  const path = [...prefix, ...issue.path];
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return { issue, path };
  let best: { issue: Issue; path: PropertyKey[] } | undefined;
  for (const branch of issue.errors) {
    const first = branch[0];
    if (first === undefined) continue;
    const candidate = mostSpecificIssue(first, path);
    if (best === undefined || candidate.path.length > best.path.length) best = candidate;
  }
  return best !== undefined && best.path.length > path.length ? best : { issue, path };
}

function issueMessage(issue: Issue): string {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'Field required';
  return issue.message;
}

/** The first zod issue as Anthropic's 400: `max_tokens: Field required`. */
export function anthropicErrorFromZod(error: z.ZodError): AnthropicError {
  const first = error.issues[0];
  if (first === undefined) return invalidRequest('Invalid request body.');
  const { issue, path } = mostSpecificIssue(first, []);
  const field = formatFieldPath(path);
  return invalidRequest(field === '' ? issueMessage(issue) : `${field}: ${issueMessage(issue)}`);
}
