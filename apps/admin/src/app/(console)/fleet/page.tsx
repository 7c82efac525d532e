import { Text } from '@mantine/core';
import { PageHeader } from '@/components/page-header.tsx';
import { requireUser } from '@/lib/session.ts';

export const metadata = { title: 'Fleet' };

export default async function Page() {
  await requireUser();
  return (
    <>
      <PageHeader title="Fleet" description="Every worker, live" />
      <Text c="dimmed">Coming.</Text>
    </>
  );
}
