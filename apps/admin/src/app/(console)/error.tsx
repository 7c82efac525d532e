'use client';

import { ErrorState } from '@/components/error-state.tsx';

export default function ConsoleError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorState error={error} reset={reset} what="this page" />;
}
