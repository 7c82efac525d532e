/** Small HTTP helpers for tests of a server speaking JSON, NDJSON or SSE (the emulator's own tests use them). */

export interface RawResponse {
  status: number;
  contentType: string | null;
  text: string;
}

export async function post(url: string, body: unknown, raw = false): Promise<RawResponse> {
  const response = await fetch(url, { method: 'POST', body: raw ? (body as string) : JSON.stringify(body) });
  return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
}

export async function postJson(url: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await post(url, body);
  return { status: response.status, body: JSON.parse(response.text) as Record<string, unknown> };
}

/** Parses an NDJSON body, checking every line ends with a newline. */
export function ndjsonLines(text: string): Array<Record<string, unknown>> {
  if (!text.endsWith('\n')) throw new Error('NDJSON body does not end with a newline');
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Splits an SSE body into its `data:` payloads (strings, so `[DONE]` stays visible). */
export function sseData(text: string): string[] {
  if (!text.endsWith('\n\n')) throw new Error('SSE body does not end with a blank line');
  return text
    .slice(0, -2)
    .split('\n\n')
    .map((frame) => {
      if (!frame.startsWith('data: ')) throw new Error(`unexpected SSE frame: ${frame}`);
      return frame.slice('data: '.length);
    });
}

/** Posts and calls onLine for each NDJSON line as it arrives; resolves when the body ends. */
export async function streamLines(
  url: string,
  body: unknown,
  onLine: (line: Record<string, unknown>) => void,
  signal?: AbortSignal,
): Promise<number> {
  const response = await fetch(url, { method: 'POST', body: JSON.stringify(body), signal: signal ?? null });
  if (!response.body) return response.status;
  const decoder = new TextDecoder();
  let pending = '';
  for await (const bytes of response.body) {
    pending += decoder.decode(bytes, { stream: true });
    let newline = pending.indexOf('\n');
    while (newline !== -1) {
      onLine(JSON.parse(pending.slice(0, newline)) as Record<string, unknown>);
      pending = pending.slice(newline + 1);
      newline = pending.indexOf('\n');
    }
  }
  return response.status;
}

/** Polls `check` every few milliseconds until it holds (or fails after timeoutMs). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
