import type { ReactNode } from 'react';
import { Button, Group, TextInput } from '@mantine/core';

/** A GET form: the search lives in the URL, so it pages, reloads and shares like any link. */
export function SearchBar({ search, placeholder, children }: { search?: string; placeholder: string; children?: ReactNode }) {
  return (
    <form method="get" role="search">
      <Group gap="xs" mb="md" wrap="wrap" align="flex-end">
        <TextInput name="q" defaultValue={search} placeholder={placeholder} aria-label={placeholder} style={{ flex: '1 1 220px' }} />
        {children}
        <Button type="submit" variant="default">
          Search
        </Button>
      </Group>
    </form>
  );
}
