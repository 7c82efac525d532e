import { Text } from '@mantine/core';
import { PageHeader } from '@/components/page-header.tsx';
import { requireUser } from '@/lib/session.ts';

export const metadata = { title: 'Usage' };

export default async function Page() {
  await requireUser();
  return (
    <>
      <PageHeader title="Usage" description="By team, key, model and day" />
      <Text c="dimmed">Coming.</Text>
    </>
  );
}
