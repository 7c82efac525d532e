import { listBatches } from '@/lib/batches.ts';
import { currentSession } from '@/lib/session.ts';

export const dynamic = 'force-dynamic';

/** The batches page's rows as JSON (a BatchList), polled by the page while a batch is active. Signed-in users only (the session cookie). */
export async function GET(): Promise<Response> {
  if (!(await currentSession())) return new Response('sign in first\n', { status: 401, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  return Response.json(await listBatches(), { headers: { 'cache-control': 'no-store' } });
}
