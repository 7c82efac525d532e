import { Code, Stack, Text } from '@mantine/core';
import { AppLink } from '@/components/app-link.tsx';
import { EmptyState } from '@/components/empty-state.tsx';

/** What a fresh install shows instead of empty charts: how to make the first request. */
export function FirstRequestHint({ title = 'No usage yet', hint = 'Figures appear here seconds after the first request through the edge.' }: { title?: string; hint?: string }) {
  return (
    <EmptyState title={title} hint={hint}>
      <Stack gap={6} mt="xs" maw={640} w="100%">
        <Text size="sm">
          <AppLink href="/keys">Create a key</AppLink>, then call the edge with it, for example:
        </Text>
        <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
          {`curl http://localhost:8080/v1/chat/completions \\
  -H "Authorization: Bearer $CORRAL_KEY" -H "Content-Type: application/json" \\
  -d '{"model":"llama3.2","messages":[{"role":"user","content":"Hello"}]}'`}
        </Code>
      </Stack>
    </EmptyState>
  );
}
