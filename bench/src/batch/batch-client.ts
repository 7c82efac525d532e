/** Just enough of OpenAI's Files and Batch APIs for the benchmark, over plain fetch. */

export interface BatchObject {
  id: string;
  status: string;
  output_file_id: string | null;
  error_file_id: string | null;
  request_counts: { total: number; completed: number; failed: number };
  in_progress_at: number | null;
  completed_at: number | null;
}

const TERMINAL = new Set(['completed', 'failed', 'expired', 'cancelled']);

export class BatchClient {
  constructor(
    private readonly origin: string,
    private readonly apiKey: string,
  ) {}

  private async call<T>(path: string, init: RequestInit = {}): Promise<T> {
    const response = await fetch(`${this.origin}${path}`, { ...init, headers: { authorization: `Bearer ${this.apiKey}`, ...(init.headers ?? {}) } });
    const text = await response.text();
    if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: HTTP ${response.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  }

  async upload(content: string, name: string): Promise<string> {
    const form = new FormData();
    form.append('purpose', 'batch');
    form.append('file', new Blob([content], { type: 'application/jsonl' }), name);
    return (await this.call<{ id: string }>('/v1/files', { method: 'POST', body: form })).id;
  }

  create(inputFileId: string): Promise<BatchObject> {
    return this.call<BatchObject>('/v1/batches', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input_file_id: inputFileId, endpoint: '/v1/embeddings', completion_window: '24h' }),
    });
  }

  retrieve(id: string): Promise<BatchObject> {
    return this.call<BatchObject>(`/v1/batches/${id}`);
  }

  cancel(id: string): Promise<BatchObject> {
    return this.call<BatchObject>(`/v1/batches/${id}/cancel`, { method: 'POST' });
  }

  /** Polls until `until` holds (default: the batch is over). */
  async waitFor(id: string, until: (batch: BatchObject) => boolean = (batch) => TERMINAL.has(batch.status), pollMs = 100, timeoutMs = 20 * 60_000): Promise<BatchObject> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const batch = await this.retrieve(id);
      if (until(batch)) return batch;
      if (performance.now() > deadline) throw new Error(`batch ${id} still ${batch.status} (${JSON.stringify(batch.request_counts)}) after ${timeoutMs} ms`);
      if (TERMINAL.has(batch.status)) throw new Error(`batch ${id} ended ${batch.status} before the awaited state`);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  async content(fileId: string): Promise<string> {
    const response = await fetch(`${this.origin}/v1/files/${fileId}/content`, { headers: { authorization: `Bearer ${this.apiKey}` } });
    if (!response.ok) throw new Error(`file ${fileId}: HTTP ${response.status}`);
    return response.text();
  }

  async deleteFile(fileId: string): Promise<void> {
    await this.call(`/v1/files/${fileId}`, { method: 'DELETE' });
  }
}

export const isTerminal = (batch: BatchObject): boolean => TERMINAL.has(batch.status);
