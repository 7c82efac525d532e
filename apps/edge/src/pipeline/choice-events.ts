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

/** A native chunk (non-final) or the final chunk of one choice's job. */
export type ChoiceEventHandler<Native> = (choice: number, data: Native, final: boolean) => void | Promise<void>;

/** Turns one choice's native chunks into a dialect's outputs (chunks, stream events). */
export interface ChoiceTranslator<Native, Output> {
  push(chunk: Native): Output[];
  finish(chunk: Native): Output[];
}

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
      const handled = handle(choice, event.data as unknown as Native, true);
      if (handled) await handled;
    }
  }
}

/**
 * Streams every choice through its translator and hands each batch of outputs that is not empty
 * to `write`, marking the first token when the first batch goes out. `onFinished` sees a choice's
 * translator right after its final (to collect its usage).
 */
export function streamChoices<Native, Output>(
  exchange: Exchange,
  fanOut: FanOut,
  isTokenChunk: (data: Record<string, unknown>) => boolean,
  translators: readonly ChoiceTranslator<Native, Output>[],
  write: (outputs: Output[]) => void,
  onFinished?: (choice: number) => void,
): Promise<void> {
  return forEachChoiceEvent<Native>(exchange, fanOut, isTokenChunk, (choice, data, final) => {
    const translator = translators[choice]!;
    const outputs = final ? translator.finish(data) : translator.push(data);
    if (final) onFinished?.(choice);
    if (outputs.length === 0) return;
    exchange.scope.markFirstToken();
    write(outputs);
  });
}
