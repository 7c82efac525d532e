import { validateAgainstOpenAPI } from '@corral/testkit/testing';

/**
 * The bytes Corral sends for /v1/chat/completions, checked against OpenAI's OpenAPI document no
 * matter which client library made the request: every successful JSON body against
 * CreateChatCompletionResponse, every error body against ErrorResponse, every SSE chunk against
 * CreateChatCompletionStreamResponse, plus the stream invariants the schema cannot express (one
 * id/created/model per stream, [DONE] last) and the request id every answer carries.
 */

export interface WireReport {
  /** Non-stream bodies validated (successes and errors). */
  bodies: number;
  /** Stream chunks validated. */
  chunks: number;
  violations: string[];
}

export interface WireRecorder {
  /** A fetch to hand to a client library (OpenAI `fetch`, LangChain `configuration.fetch`, AI SDK `fetch`). */
  readonly fetch: typeof fetch;
  /** Waits until every captured response has been read and validated, and returns what was seen since the last call. */
  settle(): Promise<WireReport>;
}

export interface SseFrames {
  /** Parsed `data:` payloads other than [DONE], in order. */
  payloads: unknown[];
  /** Whether the stream ended with `data: [DONE]`. */
  done: boolean;
}

/** Splits an SSE body into its data payloads (comments and keep-alives ignored). */
export function parseSse(text: string): SseFrames {
  const payloads: unknown[] = [];
  let done = false;
  for (const event of text.split(/\r?\n\r?\n/)) {
    const data = event
      .split(/\r?\n/)
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).trimStart())
      .join('\n');
    if (data === '') continue;
    if (data === '[DONE]') done = true;
    else payloads.push(JSON.parse(data));
  }
  return { payloads, done };
}

function schemaViolations(schemaName: string, value: unknown, label: string): string[] {
  const result = validateAgainstOpenAPI(schemaName, value);
  return result.valid ? [] : [`${label} is not a valid ${schemaName}: ${result.errors.join('; ')} in ${JSON.stringify(value)}`];
}

/** Validates one complete SSE body of a chat completion stream. */
export function streamViolations(frames: SseFrames): { chunks: number; violations: string[] } {
  const violations: string[] = [];
  const identities = new Set<string>();
  let chunks = 0;
  for (const [position, payload] of frames.payloads.entries()) {
    // A mid-stream failure is an error frame, not a chunk; it has its own shape.
    if (typeof payload === 'object' && payload !== null && 'error' in payload) continue;
    chunks += 1;
    violations.push(...schemaViolations('CreateChatCompletionStreamResponse', payload, `chunk ${position}`));
    const { id, created, model } = payload as { id?: unknown; created?: unknown; model?: unknown };
    identities.add(JSON.stringify([id, created, model]));
  }
  if (identities.size > 1) violations.push(`chunks of one stream disagree on id/created/model: ${[...identities].join(' ')}`);
  const failed = frames.payloads.some((payload) => typeof payload === 'object' && payload !== null && 'error' in payload);
  if (!frames.done && !failed) violations.push('the stream did not end with [DONE]');
  return { chunks, violations };
}

function isChatCompletions(input: Parameters<typeof fetch>[0]): boolean {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  return new URL(url).pathname.endsWith('/chat/completions');
}

export function createWireRecorder(): WireRecorder {
  let pending: Promise<void>[] = [];
  let report: WireReport = { bodies: 0, chunks: 0, violations: [] };

  async function inspect(response: Response): Promise<void> {
    let text: string;
    try {
      text = await response.text();
    } catch {
      // The caller aborted the request (cancellation tests): nothing complete to judge.
      return;
    }
    const contentType = response.headers.get('content-type') ?? '';
    if (!response.headers.get('x-request-id')) report.violations.push(`a ${response.status} answer without x-request-id`);
    if (!response.ok) {
      report.bodies += 1;
      report.violations.push(...schemaViolations('ErrorResponse', JSON.parse(text), `${response.status} body`));
      return;
    }
    if (contentType.startsWith('text/event-stream')) {
      const result = streamViolations(parseSse(text));
      report.chunks += result.chunks;
      report.violations.push(...result.violations);
      return;
    }
    report.bodies += 1;
    report.violations.push(...schemaViolations('CreateChatCompletionResponse', JSON.parse(text), 'body'));
  }

  const recordingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (isChatCompletions(input)) pending.push(inspect(response.clone()));
    return response;
  };

  return {
    fetch: recordingFetch,
    async settle() {
      const waiting = pending;
      pending = [];
      await Promise.all(waiting);
      const seen = report;
      report = { bodies: 0, chunks: 0, violations: [] };
      return seen;
    },
  };
}
