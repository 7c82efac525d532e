'use client';

import { Alert } from '@mantine/core';
import type { MutationResult } from '@/lib/mutation-result.ts';

/** A failed mutation in words (with the field problems), or nothing. */
export function MutationAlert({ result }: { result: MutationResult<unknown> | null }) {
  if (!result || result.ok) return null;
  const fields = Object.entries(result.fieldErrors ?? {});
  return (
    <Alert color="red" role="alert" data-testid="mutation-error" title={result.code === 'forbidden' ? 'Not allowed' : undefined}>
      {result.message}
      {fields.length > 0 && (
        <ul style={{ margin: '4px 0 0', paddingLeft: 18 }}>
          {fields.map(([field, message]) => (
            <li key={field}>
              {field}: {message}
            </li>
          ))}
        </ul>
      )}
    </Alert>
  );
}
