import { Text } from '@mantine/core';
import { PageHeader } from '@/components/page-header.tsx';
import { requireUser } from '@/lib/session.ts';

export const metadata = { title: 'Overview' };

export default async function Page() {
  await requireUser();
  return (
    <>
      <PageHeader title="Overview" description="Requests, tokens, latency and spend over 24 h, 7 d and 30 d" />
      <Text c="dimmed">Coming.</Text>
    </>
  );
}
