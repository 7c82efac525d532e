import { usageCsv } from '@corral/analytics';
import { parseUsageQuery, usageCsvFileName } from '@/components/analytics/usage-query.ts';
import { db } from '@/lib/db.ts';
import { logger } from '@/lib/logger.ts';
import { currentSession } from '@/lib/session.ts';

export const dynamic = 'force-dynamic';

const CHUNK_CHARS = 16_384;

const plain = (status: number, text: string) => new Response(`${text}\n`, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });

/**
 * The usage breakdown as a CSV download, same params as the usage page (group, granularity, from,
 * to). Streamed a week of buckets at a time, so a long range never sits whole in memory.
 */
export async function GET(request: Request): Promise<Response> {
  if (!(await currentSession())) return plain(401, 'sign in first');
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = parseUsageQuery(params);
  if (!parsed.ok) return plain(400, parsed.message);

  const lines = usageCsv(db(), parsed.query);
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        // Lines are small: send them in chunks of a few KB rather than one write each.
        let chunk = '';
        while (chunk.length < CHUNK_CHARS) {
          const { value, done } = await lines.next();
          if (done) {
            if (chunk) controller.enqueue(encoder.encode(chunk));
            controller.close();
            return;
          }
          chunk += value;
        }
        controller.enqueue(encoder.encode(chunk));
      } catch (error) {
        // Headers are gone already: end the download broken rather than pretend it is complete.
        logger().error({ err: error, group: parsed.form.group }, 'usage CSV export failed mid-stream');
        controller.error(error);
      }
    },
    async cancel() {
      await lines.return(undefined);
    },
  });

  return new Response(stream, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${usageCsvFileName(parsed.form)}"`,
      'cache-control': 'no-store',
    },
  });
}
