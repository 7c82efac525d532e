import { Text } from '@mantine/core';
import { PageHeader } from '@/components/page-header.tsx';
import { requireUser } from '@/lib/session.ts';

export const metadata = { title: 'Teams' };

export default async function Page() {
  await requireUser();
  return (
    <>
      <PageHeader title="Teams" description="Teams own keys; their models, limits and budget bound their keys" />
      <Text c="dimmed">Coming.</Text>
    </>
  );
}
