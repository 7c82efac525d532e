import type OpenAI from 'openai';
import { toFile } from 'openai';
import type { Batch } from 'openai/resources/batches';

export interface OutputLine {
  id: string;
  custom_id: string;
  response: { status_code: number; request_id: string; body: Record<string, unknown> } | null;
  error: { code: string; message: string } | null;
}

export type BatchEndpoint = '/v1/chat/completions' | '/v1/embeddings' | '/v1/completions' | '/v1/responses';

/** A JSONL batch input: one request line per body, custom ids `<prefix>-<index>`. */
export function batchFile(endpoint: BatchEndpoint, bodies: readonly Record<string, unknown>[], prefix = 'line'): string {
  return bodies.map((body, index) => JSON.stringify({ custom_id: `${prefix}-${index}`, method: 'POST', url: endpoint, body })).join('\n') + '\n';
}

export async function uploadBatchFile(client: OpenAI, content: string, name = 'input.jsonl'): Promise<string> {
  const file = await client.files.create({ file: await toFile(Buffer.from(content), name), purpose: 'batch' });
  return file.id;
}

const TERMINAL = new Set(['completed', 'failed', 'expired', 'cancelled']);

/** Polls `batches.retrieve` until the batch is over; every status seen is kept (in order, without repeats). */
export async function waitForBatch(client: OpenAI, id: string, options: { timeoutMs?: number; onPoll?: (batch: Batch) => void } = {}): Promise<{ batch: Batch; statuses: string[] }> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const statuses: string[] = [];
  for (;;) {
    const batch = await client.batches.retrieve(id);
    if (statuses.at(-1) !== batch.status) statuses.push(batch.status);
    options.onPoll?.(batch);
    if (TERMINAL.has(batch.status)) return { batch, statuses };
    if (Date.now() > deadline) throw new Error(`batch ${id} still ${batch.status} (${JSON.stringify(batch.request_counts)}) after the timeout`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Downloads an output or error file and parses its lines. */
export async function readOutput(client: OpenAI, fileId: string | null | undefined): Promise<OutputLine[]> {
  if (!fileId) return [];
  const text = await (await client.files.content(fileId)).text();
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as OutputLine);
}

/** Every custom id of the lines, checking none appears twice. */
export function customIdsOnce(lines: readonly OutputLine[]): Set<string> {
  const ids = new Set<string>();
  for (const line of lines) {
    if (ids.has(line.custom_id)) throw new Error(`custom_id ${line.custom_id} appears more than once`);
    ids.add(line.custom_id);
  }
  return ids;
}

/** OpenAI's document declares the Batch object's fields never null, while its API answers with nulls: they are left out to check the rest. */
export function withoutNulls(value: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== null));
}
