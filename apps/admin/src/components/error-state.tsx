'use client';

import { Alert, Button, Stack, Text } from '@mantine/core';

/** What every error.tsx shows: what failed, in words, and a way to try again. */
export function ErrorState({ error, reset, what }: { error: Error & { digest?: string }; reset: () => void; what: string }) {
  return (
    <Alert color="red" title={`Could not load ${what}`} role="alert">
      <Stack gap="xs" align="flex-start">
        {/* Production builds hide server error messages; the digest finds the line in the server log. */}
        <Text size="sm">{error.digest ? `The server could not answer (reference ${error.digest}). Accounting or Postgres may be down.` : error.message}</Text>
        <Button size="xs" variant="light" color="red" onClick={reset}>
          Try again
        </Button>
      </Stack>
    </Alert>
  );
}
