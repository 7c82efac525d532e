import type { Tool, ToolCall } from '@corral/ollama';
import type { Random } from './prng.ts';
import { sampleFromSchema } from './schema-sample.ts';

const idAlphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `call_` + 8 × [a-z0-9], like Ollama's toolCallId(), but drawn from the reply's seed. */
export function toolCallId(random: Random): string {
  let id = 'call_';
  for (let index = 0; index < 8; index++) id += idAlphabet[random.below(idAlphabet.length)];
  return id;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Which tools the emulated model calls: those whose names the user text mentions (as whole words,
 * in order of first mention), else the first tool.
 */
export function chooseTools(tools: readonly Tool[], userText: string): Tool[] {
  const mentioned: Array<{ tool: Tool; at: number }> = [];
  for (const tool of tools) {
    const name = tool.function?.name;
    if (typeof name !== 'string' || name.length === 0) continue;
    const match = new RegExp(`(?<![\\w])${escapeRegExp(name)}(?![\\w])`).exec(userText);
    if (match) mentioned.push({ tool, at: match.index });
  }
  if (mentioned.length === 0) return tools.slice(0, 1);
  return mentioned.sort((left, right) => left.at - right.at).map((entry) => entry.tool);
}

/** Whole tool calls (index 0..n-1) with arguments generated from each tool's parameters schema (required properties). */
export function buildToolCalls(tools: readonly Tool[], userText: string, random: Random): ToolCall[] {
  return chooseTools(tools, userText).map((tool, index) => ({
    id: toolCallId(random),
    function: {
      index,
      name: tool.function.name,
      arguments: toolArguments(tool, random),
    },
  }));
}

/** Ollama's arguments are always a JSON object, also for a tool without (object) parameters. */
function toolArguments(tool: Tool, random: Random): Record<string, unknown> {
  const sample = sampleFromSchema(tool.function.parameters ?? { type: 'object' }, random, { properties: 'required' });
  return typeof sample === 'object' && sample !== null && !Array.isArray(sample) ? (sample as Record<string, unknown>) : {};
}
