import { redirect } from 'next/navigation';
import { Alert, Center, Code, Paper, Stack, Text, Title } from '@mantine/core';
import { anyAdminExists } from '@/lib/admin-users.ts';
import { currentSession } from '@/lib/session.ts';
import { SignInForm } from './sign-in-form.tsx';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Sign in' };

export default async function LoginPage() {
  if (await currentSession()) redirect('/');
  const hasAdmin = await anyAdminExists();
  return (
    <Center mih="100dvh" p="md">
      <Paper withBorder shadow="sm" p="xl" w="100%" maw={420}>
        <Stack gap="md">
          <Title order={1} size="h3">
            Sign in to Corral
          </Title>
          {hasAdmin ? (
            <SignInForm />
          ) : (
            <Alert color="blue" title="No admin user yet">
              <Stack gap="xs">
                <Text size="sm">Corral has no default password. Create the first admin on the server:</Text>
                <Code block>pnpm corral admin create --email you@example.com</Code>
                <Text size="sm">It prints a one-time password (or reads one from stdin). Then reload this page.</Text>
              </Stack>
            </Alert>
          )}
        </Stack>
      </Paper>
    </Center>
  );
}
