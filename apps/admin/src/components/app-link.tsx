'use client';

import Link from 'next/link';
import { Anchor, type AnchorProps } from '@mantine/core';
import type { ReactNode } from 'react';

/** A Mantine anchor that navigates client-side (server components cannot hand Link to Anchor themselves). */
export function AppLink({ href, children, ...props }: AnchorProps & { href: string; children: ReactNode }) {
  return (
    <Anchor component={Link} href={href} {...props}>
      {children}
    </Anchor>
  );
}
