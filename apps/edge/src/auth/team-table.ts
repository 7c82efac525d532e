import { mirrorKv, type Bus } from '@corral/bus';
import { TeamRecord } from '@corral/protocol';

export interface TeamTable {
  /** Resolves once every team present at start has been loaded. */
  readonly ready: Promise<void>;
  /** The record of a team by id, or undefined when this edge does not know it. No network round trip. */
  lookup(id: string): TeamRecord | undefined;
  size(): number;
  close(): void;
}

/** The edge's copy of the `teams` bucket (key = team id), kept current by a KV watch like the key table. */
export function createTeamTable(bus: Bus, options: { onInvalid?: (id: string, error: unknown) => void } = {}): TeamTable {
  const records = new Map<string, TeamRecord>();
  const mirror = mirrorKv(bus, 'teams', TeamRecord, {
    onChange: (id, record) => (record ? records.set(id, record) : records.delete(id)),
    ...(options.onInvalid ? { onInvalid: options.onInvalid } : {}),
  });
  return {
    ready: mirror.ready,
    lookup: (id) => records.get(id),
    size: () => records.size,
    close: () => mirror.stop(),
  };
}
