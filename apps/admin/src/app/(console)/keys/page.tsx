import { Text } from '@mantine/core';
import { PageHeader } from '@/components/page-header.tsx';
import { requireUser } from '@/lib/session.ts';

export const metadata = { title: 'Keys' };

export default async function Page() {
  await requireUser();
  return (
    <>
      <PageHeader title="Keys" description="API keys, their limits and spend" />
      <Text c="dimmed">Coming.</Text>
    </>
  );
}
