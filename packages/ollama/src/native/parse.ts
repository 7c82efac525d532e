import type { z } from 'zod';

/** A refused request body: Ollama answers it with a 400 and `{"error": message}`. */
export type NativeParse<T> = { ok: true; value: T } | { ok: false; message: string };

/** `messages[0].images[1]`: the path of a value as a caller reads it. */
function pathText(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) text += typeof segment === 'number' ? `[${segment}]` : `${text ? '.' : ''}${String(segment)}`;
  return text;
}

/** The first issue of a refused body in words: Ollama's own message where it has one (`model is required`). */
function messageOf(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid request body';
  if (issue.path.length === 1 && issue.path[0] === 'model') return 'model is required';
  if (issue.path.length === 0) return issue.message;
  return `invalid value for "${pathText(issue.path)}": ${issue.message}`;
}

/**
 * Validates an Ollama request body with one of the native schemas. Explicit nulls stay (Ollama's Go
 * decoder reads them as "not given", and the schemas accept them where Ollama does).
 */
export function parseNativeRequest<Schema extends z.ZodType>(schema: Schema, body: unknown): NativeParse<z.output<Schema>> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, message: 'the request body must be a JSON object' };
  const parsed = schema.safeParse(body);
  if (!parsed.success) return { ok: false, message: messageOf(parsed.error) };
  return { ok: true, value: parsed.data };
}
