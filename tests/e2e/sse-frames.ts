/** One server-sent event as a client sees it: its `event:` name (if any) and `data:` text. */
export interface SseFrame {
  event: string | undefined;
  data: string;
}

/** Reads a whole SSE response body into frames (tests look at the exact wire, not an SDK's view of it). */
export async function readSseFrames(response: Response): Promise<SseFrame[]> {
  const text = await response.text();
  const frames: SseFrame[] = [];
  for (const block of text.split('\n\n')) {
    if (block.trim() === '') continue;
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice('event: '.length);
      else if (line.startsWith('data: ')) data.push(line.slice('data: '.length));
    }
    frames.push({ event, data: data.join('\n') });
  }
  return frames;
}
