import { z } from 'zod';

/** How Ollama answers an error, as the HTTP body or as an in-band line of a stream. */
export const ErrorBody = z.object({ error: z.string() });
export type ErrorBody = z.infer<typeof ErrorBody>;

/** The message of an `{"error":"…"}` body, or undefined when the text is anything else (gin's "404 page not found"). */
export function errorBodyMessage(text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const body = ErrorBody.safeParse(parsed);
  return body.success ? body.data.error : undefined;
}
