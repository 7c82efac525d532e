/** Server-sent event frames, as pure strings the edge writes. */

/** `data: <json>\n\n` — OpenAI chat/completions streams. */
export function sseData(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`;
}

/** Several `data:` frames in one string, so a batch of chunks goes out in one socket write. */
export function sseFrames(values: readonly unknown[]): string {
  let frames = '';
  for (const value of values) frames += sseData(value);
  return frames;
}

/** Terminator of chat and completions streams (not used by /v1/responses). */
export const SSE_DONE = 'data: [DONE]\n\n';

/** `event: <type>\ndata: <json>\n\n` — /v1/responses streams. */
export function sseEvent(type: string, value: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(value)}\n\n`;
}

/** Several typed events in one string (each framed as `event:` + `data:`), for one socket write. */
export function sseEventFrames(events: readonly ({ type: string } & Record<string, unknown>)[]): string {
  let frames = '';
  for (const event of events) frames += sseEvent(event.type, event);
  return frames;
}

/** A comment line: keeps proxies from closing an idle stream during long prompt evaluation. */
export const SSE_KEEPALIVE = ': keep-alive\n\n';
