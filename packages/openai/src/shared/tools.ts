export { forcedToolCallFormat, parseForcedToolCall } from '@corral/ollama';
export type { ParsedForcedCall } from '@corral/ollama';

/** How the response side must treat the model's output for tool calling. */
export const ToolMode = {
  /** Tools (if any) offered natively; the model decides. */
  auto: 'auto',
  /**
   * Ollama cannot force a tool call, so the request constrains the output with a JSON schema
   * `{name, arguments}` and the response side turns that JSON into a tool call.
   */
  forced: 'forced',
} as const;
export type ToolMode = (typeof ToolMode)[keyof typeof ToolMode];

/**
 * OpenAI sends arguments as a JSON string; Ollama wants an object. An empty string (what some
 * models emit for argument-less tools, echoed back by clients) means `{}`.
 */
export function parseToolArguments(raw: string): Record<string, unknown> | undefined {
  if (raw.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    return undefined;
  } catch {
    return undefined;
  }
}
