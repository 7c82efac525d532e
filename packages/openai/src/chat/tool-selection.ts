import type { Tool } from '@corral/ollama';
import { forcedToolCallFormat, ToolMode } from '../shared/tools.ts';
import type { ChatToolChoice, ChatToolInput } from './request-schema.ts';

export interface ToolSelection {
  /** Tools offered to the model natively (undefined: none). */
  tools: Tool[] | undefined;
  toolMode: ToolMode;
  /** In forced mode: the names the model must choose from. */
  forcedToolNames?: string[];
  /** In forced mode: the `format` schema constraining the output to one call. */
  forcedFormat?: Record<string, unknown>;
}

export function toNativeTool(tool: ChatToolInput): Tool {
  const native: Tool = { type: 'function', function: { name: tool.function.name } };
  if (tool.function.description != null) native.function.description = tool.function.description;
  if (tool.function.parameters != null) native.function.parameters = tool.function.parameters;
  return native;
}

function forced(tools: Tool[]): ToolSelection {
  return {
    // The definitions stay in the prompt so the model knows what each tool does.
    tools,
    toolMode: ToolMode.forced,
    forcedToolNames: tools.map((tool) => tool.function.name),
    forcedFormat: forcedToolCallFormat(tools),
  };
}

/** Applies `tool_choice` (already validated against `tools`) to the native request. */
export function selectTools(requested: readonly ChatToolInput[] | undefined, choice: ChatToolChoice | undefined): ToolSelection {
  const tools = (requested ?? []).map(toNativeTool);
  if (tools.length === 0 || choice === 'none') return { tools: undefined, toolMode: ToolMode.auto };
  if (choice === undefined || choice === 'auto') return { tools, toolMode: ToolMode.auto };
  if (choice === 'required') return forced(tools);
  if (choice.type === 'function') return forced(tools.filter((tool) => tool.function.name === choice.function.name));
  const allowed = new Set(choice.allowed_tools.tools.map((tool) => tool.function.name));
  const subset = tools.filter((tool) => allowed.has(tool.function.name));
  return choice.allowed_tools.mode === 'required' ? forced(subset) : { tools: subset, toolMode: ToolMode.auto };
}
