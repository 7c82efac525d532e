import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

/**
 * A failed union reports every branch; the branch that got furthest into the value names the real
 * mistake (`messages[0].content[1].image_url` rather than "invalid input"). Every dialect's 400
 * starts from this issue and its full path, and renders them its own way.
 */
export function mostSpecificIssue(issue: Issue, prefix: readonly PropertyKey[] = []): { issue: Issue; path: PropertyKey[] } {
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
