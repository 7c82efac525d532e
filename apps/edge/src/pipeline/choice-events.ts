import type { JobKind, Usage } from '@corral/protocol';
import type { Exchange } from './exchange.ts';
import type { FanOut } from './fan-out.ts';

/** A native chat chunk that carries a generated token (text, thinking or a tool call). */
export function isChatTokenChunk(data: Record<string, unknown>): boolean {
  const message = data.message as { content?: string; thinking?: string; tool_calls?: unknown[] } | undefined;
  return Boolean(message && (message.content || message.thinking || message.tool_calls?.length));
}

/** A native generate chunk that carries a generated token (text or reasoning). */
export function isGenerateTokenChunk(data: Record<string, unknown>): boolean {
  return Boolean(data.response || data.thinking);
}

/** Which native chunks of a job kind carry a generated token (an embed job streams none). */
export function tokenChunkTest(kind: JobKind): (data: Record<string, unknown>) => boolean {
  if (kind === 'chat') return isChatTokenChunk;
  if (kind === 'generate') return isGenerateTokenChunk;
  return () => false;
}

/** A native chunk (non-final) or the final chunk of one choice's job, with the worker's exact counts. */
export type ChoiceEventHandler<Native> = (choice: number, data: Native, final: boolean, usage?: Usage) => void | Promise<void>;

/**
 * Runs every choice's events through `handle`, keeping the request's usage current on the way:
 * generated tokens are counted as they pass (so a disconnect is billed for what was produced) and
 * each job is settled with the worker's exact counts when its final arrives. `isTokenChunk` tells
 * which native chunks carry a generated token in the endpoint's dialect (chat or generate).
 */
export async function forEachChoiceEvent<Native>(
  exchange: Exchange,
  fanOut: FanOut,
  isTokenChunk: (data: Record<string, unknown>) => boolean,
  handle: ChoiceEventHandler<Native>,
): Promise<void> {
  for await (const { choice, event } of fanOut.events()) {
    if (event.type === 'chunk') {
      if (isTokenChunk(event.data)) exchange.scope.noteGeneratedToken(choice);
      const handled = handle(choice, event.data as unknown as Native, false);
      if (handled) await handled;
    } else {
      exchange.scope.settleJob(choice, event.usage, event.workerId);
      const handled = handle(choice, event.data as unknown as Native, true, event.usage);
      if (handled) await handled;
    }
  }
}
