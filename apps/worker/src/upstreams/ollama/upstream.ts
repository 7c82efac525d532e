import { classifyLine, NdjsonSplitter, usageFromDone } from '@corral/ollama';
import { ErrorCode } from '@corral/protocol';
import { UpstreamFailure, type Upstream, type UpstreamEvent, type UpstreamJob } from '../../upstream.ts';
import { createOllamaClient, type OllamaClient, type UpstreamResponse } from './client.ts';
import { errorFromStatus, lostMidStreamError, unavailableError } from './errors.ts';
import { Inventory } from './inventory.ts';

export interface OllamaUpstreamOptions {
  /** OLLAMA_URL, possibly behind a reverse proxy under a path. */
  url: string;
  /** Jobs held at once; every one keeps a connection (Ollama queues them itself). */
  maxInflight: number;
  /** How long Ollama may stay silent before it counts as not answering (see Inventory). */
  unresponsiveAfterMs: number;
}

/** The local Ollama: jobs post /api/{chat,generate,embed,show}; the inventory reads /api/tags and /api/ps. */
export function createOllamaUpstream(options: OllamaUpstreamOptions): Upstream {
  const client = createOllamaClient({ url: options.url, maxInflight: options.maxInflight });
  const inventory = new Inventory(client, { unresponsiveAfterMs: options.unresponsiveAfterMs });
  return {
    location: options.url,
    inventory,
    stream: (job, signal) => streamJob(client, inventory, job, signal),
    destroy: () => client.destroy(),
  };
}

async function* streamJob(client: OllamaClient, inventory: Inventory, job: UpstreamJob, signal: AbortSignal): AsyncGenerator<UpstreamEvent[]> {
  let response: UpstreamResponse;
  try {
    response = await client.post(`/api/${job.kind}`, job.body, signal, job.traceparent);
  } catch (error) {
    throw new UpstreamFailure(unavailableError(error));
  }
  // Any answer, whatever its status, is proof of life that a poll stuck behind a busy host cannot give.
  inventory.noteAnswer();
  if (signal.aborted) {
    response.body.destroy();
    return;
  }
  if (response.statusCode < 200 || response.statusCode >= 300) throw await failureOf(response, inventory);
  if (job.kind === 'embed' || job.kind === 'show') yield [await wholeAnswer(response, job.kind)];
  else yield* streamedAnswer(response);
}

async function failureOf(response: UpstreamResponse, inventory: Inventory): Promise<UpstreamFailure> {
  let text = '';
  try {
    text = await response.body.text();
  } catch {
    // The status alone is enough to report.
  }
  const error = errorFromStatus(response.statusCode, text);
  // Ollama says a model we advertise does not exist: the inventory is stale.
  if (error.code === ErrorCode.ModelNotFound) inventory.invalidate();
  return new UpstreamFailure(error);
}

/** A job Ollama answers with one JSON object (an embed, a show), as one final. */
async function wholeAnswer(response: UpstreamResponse, kind: 'embed' | 'show'): Promise<UpstreamEvent> {
  let text: string;
  let data: unknown;
  try {
    text = await response.body.text();
    data = JSON.parse(text);
  } catch (error) {
    // Nothing reached the caller: another worker may do better.
    throw new UpstreamFailure({ ...unavailableError(error), message: `the ${kind} response is not JSON` });
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new UpstreamFailure({ code: ErrorCode.UpstreamError, message: `the ${kind} response is not a JSON object`, retryable: false });
  }
  const record = data as Record<string, unknown>;
  return { type: 'final', data: record, usage: usageFromDone(record, { completion: false }), text };
}

/**
 * Ollama's NDJSON stream, one event per line. After the final line the rest is read out (it keeps
 * the connection reusable) but not yielded; a consumer that stops early closes the connection.
 */
async function* streamedAnswer(response: UpstreamResponse): AsyncGenerator<UpstreamEvent[]> {
  const lines: string[] = [];
  const splitter = new NdjsonSplitter((line) => lines.push(line));
  const reader = response.body[Symbol.asyncIterator]();
  let chunks = 0;
  let sawFinal = false;
  try {
    for (let ended = false; !ended; ) {
      try {
        const next = (await reader.next()) as IteratorResult<Uint8Array>;
        if (next.done) {
          splitter.end();
          ended = true;
        } else splitter.push(next.value);
      } catch (error) {
        // Nothing yielded yet means nothing reached the caller: another worker may still try.
        throw new UpstreamFailure(chunks === 0 ? unavailableError(error) : lostMidStreamError(error));
      }
      // One batch per read: its replies then leave the worker in one write (see Upstream.stream).
      const batch: UpstreamEvent[] = [];
      let failure: unknown;
      for (const line of lines.splice(0)) {
        if (sawFinal) continue;
        try {
          const event = eventOf(line);
          if (event.type === 'chunk') chunks++;
          else sawFinal = true;
          batch.push(event);
        } catch (error) {
          failure = error;
          break;
        }
      }
      // What came before a failing line still reaches the caller, then the failure.
      if (batch.length > 0) yield batch;
      if (failure !== undefined) throw failure;
    }
  } finally {
    await reader.return?.();
  }
}

function eventOf(line: string): UpstreamEvent {
  const classified = classifyLine(line);
  switch (classified.kind) {
    case 'chunk':
      return { type: 'chunk', line };
    case 'final':
      return { type: 'final', data: classified.data, usage: usageFromDone(classified.data), text: line };
    case 'error':
      throw new UpstreamFailure({ code: ErrorCode.UpstreamError, message: classified.message, retryable: false });
    case 'malformed':
      throw new UpstreamFailure({ code: ErrorCode.UpstreamError, message: 'upstream sent a line that is not a JSON object', retryable: false });
  }
}
