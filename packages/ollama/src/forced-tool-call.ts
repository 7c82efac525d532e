import type { Tool } from './types.ts';

/**
 * Ollama cannot force a tool call (it has no tool_choice), so a dialect that must force one
 * constrains the output with a JSON schema `{name, arguments}` in `format` and turns that JSON
 * into a tool call on the way back. Shared by every dialect that honours a forcing tool choice.
 */

const emptyParameters = { type: 'object', properties: {} };

function callSchema(tool: Tool): Record<string, unknown> {
  return {
    type: 'object',
    properties: {
      name: { type: 'string', enum: [tool.function.name] },
      arguments: tool.function.parameters ?? emptyParameters,
    },
    required: ['name', 'arguments'],
  };
}

/** The `format` schema that makes the model answer with exactly one call of one of `tools`. */
export function forcedToolCallFormat(tools: readonly Tool[]): Record<string, unknown> {
  const [only] = tools;
  if (tools.length === 1 && only !== undefined) return callSchema(only);
  return { anyOf: tools.map(callSchema) };
}

export interface ParsedForcedCall {
  name: string;
  arguments: Record<string, unknown>;
}

/** Reads the JSON the forced format produced; undefined when it is not a valid call. */
export function parseForcedToolCall(content: string, allowedNames: readonly string[]): ParsedForcedCall | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const record = parsed as Record<string, unknown>;
  const name = record.name;
  const argumentsValue = record.arguments ?? record.parameters ?? {};
  if (typeof name !== 'string' || !allowedNames.includes(name)) return undefined;
  if (typeof argumentsValue !== 'object' || argumentsValue === null || Array.isArray(argumentsValue)) return undefined;
  return { name, arguments: argumentsValue as Record<string, unknown> };
}
