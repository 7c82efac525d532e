'use client';

import { useEffect, useState } from 'react';
import { isActiveBatch, type BatchList } from '@/lib/batch-view.ts';

export interface BatchesState {
  list: BatchList;
  /** False after a poll failed (the rows shown are the last ones read); true again with the next answer. */
  live: boolean;
  /** Whether any batch shown is still moving (the page polls only then). */
  polling: boolean;
}

/**
 * The batches, polled from /api/batches every `intervalMs` while one of them is still moving (a
 * failed poll keeps the rows and tries again, never blanking the page). `initial` is the
 * server-rendered list; a newer one (after a cancel revalidated the page) replaces what is shown.
 */
export function useBatches(initial: BatchList, intervalMs: number): BatchesState {
  const [rendered, setRendered] = useState(initial);
  const [state, setState] = useState({ list: initial, live: true });
  if (rendered !== initial) {
    setRendered(initial);
    setState({ list: initial, live: true });
  }
  const polling = state.list.rows.some((row) => isActiveBatch(row.record));
  useEffect(() => {
    if (!polling) return;
    let stopped = false;
    // One poll at a time: the next is scheduled when this state (the answer, or the failure) lands.
    const timer = setTimeout(async () => {
      try {
        const response = await fetch('/api/batches', { cache: 'no-store' });
        if (!response.ok) throw new Error(`status ${response.status}`);
        const list = (await response.json()) as BatchList;
        if (!stopped) setState({ list, live: true });
      } catch {
        if (!stopped) setState((previous) => ({ ...previous, live: false }));
      }
    }, intervalMs);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [state, polling, intervalMs]);
  return { ...state, polling };
}
