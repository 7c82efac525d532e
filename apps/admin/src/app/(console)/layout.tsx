import type { ReactNode } from 'react';
import { ConsoleShell } from '@/components/console-shell.tsx';
import { requireUser } from '@/lib/session.ts';
import { signOut } from '@/lib/sign-in.ts';

// Every console page reads live data and the session cookie: never prerendered.
export const dynamic = 'force-dynamic';

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  return (
    <ConsoleShell email={user.email} role={user.role} signOut={signOut}>
      {children}
    </ConsoleShell>
  );
}
