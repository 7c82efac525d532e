'use client';

import Link from 'next/link';
import { Button, Group } from '@mantine/core';

/** Newest / Newer / Older links for a keyset-paged list: cursors, never page numbers or OFFSET. */
export function LogPager({ basePath, params, previousCursor, nextCursor }: { basePath: string; params: Record<string, string | undefined>; previousCursor: string | null; nextCursor: string | null }) {
  const href = (cursor?: { name: 'after' | 'before'; value: string }) => {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) if (value) query.set(name, value);
    if (cursor) query.set(cursor.name, cursor.value);
    const text = query.toString();
    return text ? `${basePath}?${text}` : basePath;
  };
  if (!previousCursor && !nextCursor) return null;
  return (
    <Group justify="flex-end" gap="xs" component="nav" aria-label="Pages">
      {previousCursor && (
        <>
          <Button component={Link} href={href()} variant="default" size="xs">
            Newest
          </Button>
          <Button component={Link} href={href({ name: 'before', value: previousCursor })} variant="default" size="xs" rel="prev">
            ← Newer
          </Button>
        </>
      )}
      {nextCursor && (
        <Button component={Link} href={href({ name: 'after', value: nextCursor })} variant="default" size="xs" rel="next">
          Older →
        </Button>
      )}
    </Group>
  );
}
