import { Text } from '@mantine/core';
import { PageHeader } from '@/components/page-header.tsx';
import { requireUser } from '@/lib/session.ts';

export const metadata = { title: 'Request log' };

export default async function Page() {
  await requireUser();
  return (
    <>
      <PageHeader title="Request log" description="Every request, newest first" />
      <Text c="dimmed">Coming.</Text>
    </>
  );
}
