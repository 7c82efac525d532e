import Link from 'next/link';
import { Button, Group } from '@mantine/core';

/** First page / next page links that keep the other search params (keyset paging has no page numbers). */
export function Pager({ basePath, params, next, isFirst }: { basePath: string; params: Record<string, string | undefined>; next?: string; isFirst: boolean }) {
  const href = (after?: string) => {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) if (value) query.set(name, value);
    if (after) query.set('after', after);
    const text = query.toString();
    return text ? `${basePath}?${text}` : basePath;
  };
  if (isFirst && !next) return null;
  return (
    <Group justify="flex-end" mt="md" gap="xs">
      {!isFirst && (
        <Link href={href()}>
          <Button component="span" variant="default" size="xs">
            First page
          </Button>
        </Link>
      )}
      {next && (
        <Link href={href(next)}>
          <Button component="span" variant="default" size="xs">
            Next page
          </Button>
        </Link>
      )}
    </Group>
  );
}
