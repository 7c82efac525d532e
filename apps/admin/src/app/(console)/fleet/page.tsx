import { PageHeader } from '@/components/page-header.tsx';
import { fleetSnapshot } from '@/lib/fleet.ts';
import { requireUser } from '@/lib/session.ts';
import { FleetBoard } from './fleet-board.tsx';

export const metadata = { title: 'Fleet' };

export default async function FleetPage() {
  const user = await requireUser();
  const initial = await fleetSnapshot();
  return (
    <>
      <PageHeader title="Fleet" description="Every worker, live from its heartbeats, with its interactive requests and batch lines in flight. Cordon: takes no new jobs, finishes its own. Drain: cordon, then exit when idle." />
      <FleetBoard initial={initial} readOnly={user.role !== 'admin'} />
    </>
  );
}
