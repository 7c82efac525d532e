import { forcedToolCallFormat, type Tool } from '@corral/ollama';
import type { ToolChoiceParam, ToolParam } from './request-schema.ts';

export const ToolMode = {
  /** Tools (if any) offered natively; the model decides. */
  auto: 'auto',
  /**
   * `any` or `tool`: Ollama cannot force a call, so the output is constrained to a JSON
   * `{name, arguments}` (Ollama's `format`) and the response side turns it into a tool_use block.
   */
  forced: 'forced',
} as const;
export type ToolMode = (typeof ToolMode)[keyof typeof ToolMode];

export interface ToolSelection {
  /** Offered to the model natively; undefined when none (or `tool_choice: none`). */
  tools: Tool[] | undefined;
  toolMode: ToolMode;
  /** In forced mode: the names the model must choose from, and the `format` that makes it. */
  forcedToolNames?: string[];
  forcedFormat?: Record<string, unknown>;
  /** `disable_parallel_tool_use`: at most one tool_use block per answer. */
  parallel: boolean;
}

export function toNativeTool(tool: ToolParam): Tool {
  const native: Tool = { type: 'function', function: { name: tool.name, parameters: tool.input_schema } };
  if (tool.description !== undefined) native.function.description = tool.description;
  return native;
}

function forced(tools: Tool[], parallel: boolean): ToolSelection {
  return {
    // The definitions stay in the prompt so the model knows what each tool does.
    tools,
    toolMode: ToolMode.forced,
    forcedToolNames: tools.map((tool) => tool.function.name),
    forcedFormat: forcedToolCallFormat(tools),
    parallel,
  };
}

/** `tools` and `tool_choice` (already checked against each other) → what Ollama is offered. */
export function selectTools(requested: readonly ToolParam[] | undefined, choice: ToolChoiceParam | undefined): ToolSelection {
  const tools = (requested ?? []).map(toNativeTool);
  const parallel = choice === undefined || choice.type === 'none' || choice.disable_parallel_tool_use !== true;
  if (tools.length === 0 || choice?.type === 'none') return { tools: undefined, toolMode: ToolMode.auto, parallel };
  if (choice === undefined || choice.type === 'auto') return { tools, toolMode: ToolMode.auto, parallel };
  if (choice.type === 'any') return forced(tools, parallel);
  return forced(tools.filter((tool) => tool.function.name === choice.name), parallel);
}
