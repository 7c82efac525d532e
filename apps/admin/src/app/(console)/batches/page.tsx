import { listBatches } from '@/lib/batches.ts';
import { fleetSnapshot } from '@/lib/fleet.ts';
import { requireUser } from '@/lib/session.ts';
import { BatchesBoard } from './batches-board.tsx';

export const metadata = { title: 'Batches' };

/** Progress moves as work units finish (a few seconds each at most): polling faster would show nothing new. */
const REFRESH_MS = 3000;

export default async function BatchesPage() {
  const user = await requireUser();
  const [initial, workers] = await Promise.all([listBatches(), fleetSnapshot()]);
  return <BatchesBoard initial={initial} initialWorkers={workers} readOnly={user.role !== 'admin'} intervalMs={REFRESH_MS} />;
}
