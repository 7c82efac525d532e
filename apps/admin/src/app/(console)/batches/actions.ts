'use server';

import { revalidatePath } from 'next/cache';
import { cancelBatch } from '@corral/bus';
import { z } from 'zod';
import { mutation } from '@/lib/mutation.ts';
import { Refusal, RefusalCode } from '@/lib/refusal.ts';

/**
 * Cancels a batch: it turns `cancelling` at once and the edges start none of its lines after that;
 * it becomes `cancelled` when the lines already running are done. One that ended meanwhile is left as it is.
 */
export const cancelBatchAction = mutation(z.object({ id: z.string().min(1).max(200) }), async ({ id }, { bus }) => {
  const record = await cancelBatch(bus, id);
  if (!record) throw new Refusal(RefusalCode.NotFound, `No batch ${id}: it was deleted.`);
  revalidatePath('/batches');
  return { id: record.id, status: record.status };
});
