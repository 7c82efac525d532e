'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';
import { AppShell, AppShellHeader, AppShellMain, AppShellNavbar, Badge, Burger, Button, Group, NavLink, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { NAV_LINKS } from './nav-links.ts';

export interface ConsoleShellProps {
  email: string;
  role: string;
  /** The sign-out server action. */
  signOut: () => Promise<void>;
  children: ReactNode;
}

/** Header, navigation (a drawer behind the burger on a phone) and the page. */
export function ConsoleShell({ email, role, signOut, children }: ConsoleShellProps) {
  const [opened, { toggle, close }] = useDisclosure(false);
  const pathname = usePathname();
  const isActive = (href: string) => (href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`));

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShellHeader>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Title order={1} size="h4">
              Corral
            </Title>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Text size="sm" c="dimmed" visibleFrom="xs" truncate maw={240}>
              {email}
            </Text>
            {role !== 'admin' && (
              <Badge variant="light" color="gray">
                {role}
              </Badge>
            )}
          </Group>
        </Group>
      </AppShellHeader>
      <AppShellNavbar p="xs" aria-label="Main">
        <Stack gap={2} style={{ flex: 1 }}>
          {NAV_LINKS.map((link) => (
            <NavLink key={link.href} component={Link} href={link.href} label={link.label} active={isActive(link.href)} onClick={close} aria-current={isActive(link.href) ? 'page' : undefined} />
          ))}
        </Stack>
        <form action={signOut}>
          <Button type="submit" variant="subtle" color="gray" fullWidth justify="flex-start">
            Sign out
          </Button>
        </form>
      </AppShellNavbar>
      <AppShellMain>{children}</AppShellMain>
    </AppShell>
  );
}
