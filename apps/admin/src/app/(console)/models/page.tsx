import { Text } from '@mantine/core';
import { PageHeader } from '@/components/page-header.tsx';
import { requireUser } from '@/lib/session.ts';

export const metadata = { title: 'Models' };

export default async function Page() {
  await requireUser();
  return (
    <>
      <PageHeader title="Models" description="The fleet's models and the aliases in front of them" />
      <Text c="dimmed">Coming.</Text>
    </>
  );
}
