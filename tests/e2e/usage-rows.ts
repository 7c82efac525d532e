import type pg from 'pg';

export interface UsageRow {
  request_id: string;
  endpoint: string;
  status: string;
  stream: boolean;
  prompt_tokens: number;
  completion_tokens: number;
  http_status: number;
  error_code: string | null;
  alias: string;
}

/** Polls accounting's usage table until the key has at least `count` rows (the usage stream is asynchronous). */
export async function waitForUsageRows(database: pg.Pool, keyId: string, count: number, timeoutMs = 15_000): Promise<UsageRow[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await database.query<UsageRow>('SELECT * FROM usage WHERE key_id = $1 ORDER BY started_at', [keyId]);
    if (rows.length >= count) return rows.map((row) => ({ ...row, prompt_tokens: Number(row.prompt_tokens), completion_tokens: Number(row.completion_tokens) }));
    if (Date.now() > deadline) throw new Error(`expected ${count} usage rows for key ${keyId}, found ${rows.length}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The id of the key created under `name` (names are unique within a test file). */
export async function keyIdNamed(database: pg.Pool, name: string): Promise<string> {
  const { rows } = await database.query<{ id: string }>('SELECT id FROM api_keys WHERE name = $1', [name]);
  if (rows.length !== 1) throw new Error(`expected one key named ${name}, found ${rows.length}`);
  return rows[0]!.id;
}
