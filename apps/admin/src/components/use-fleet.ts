'use client';

import { useEffect, useState } from 'react';
import type { FleetWorker } from '@/lib/fleet-types.ts';

export interface FleetState {
  workers: FleetWorker[];
  /** False while the live stream is (re)connecting. */
  live: boolean;
}

/**
 * The live fleet, pushed by /api/fleet/events (SSE; EventSource reconnects by itself).
 * `initial` is the server-rendered snapshot, shown until the first event.
 */
export function useFleet(initial: FleetWorker[] = []): FleetState {
  const [state, setState] = useState<FleetState>({ workers: initial, live: false });
  useEffect(() => {
    const source = new EventSource('/api/fleet/events');
    source.onmessage = (event: MessageEvent<string>) => {
      try {
        setState({ workers: JSON.parse(event.data) as FleetWorker[], live: true });
      } catch {
        // a malformed event is skipped; the next one replaces it
      }
    };
    source.onerror = () => setState((previous) => ({ ...previous, live: false }));
    return () => source.close();
  }, []);
  return state;
}
