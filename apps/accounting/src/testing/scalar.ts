import pg from 'pg';

/** Reads one number from the suite's database. */
export async function scalar(databaseUrl: string, query: string, parameters: unknown[] = []): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const row = (await client.query<{ value: unknown }>(query, parameters)).rows[0];
    return Number(row?.value ?? 0);
  } finally {
    await client.end();
  }
}
