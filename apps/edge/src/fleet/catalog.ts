import { normalizeModelName } from '@corral/ollama';
import type { FleetTable } from './fleet-table.ts';

export interface CatalogEntry {
  /** Ollama's display name, e.g. `llama3.2:latest`. */
  name: string;
  /** Unix seconds of the newest copy's modification time. */
  created: number;
  capabilities: string[];
  /** Workers that have it (not draining). */
  workers: number;
  loadedOn: number;
}

/** Every model some live, non-draining worker can serve, merged across the fleet. */
export function fleetCatalog(fleet: FleetTable): CatalogEntry[] {
  const entries = new Map<string, CatalogEntry>();
  for (const worker of fleet.all()) {
    if (worker.heartbeat.draining) continue;
    for (const [name, model] of worker.models) {
      const created = model.modifiedAt ? Math.floor(Date.parse(model.modifiedAt) / 1000) || 0 : 0;
      const entry = entries.get(name);
      if (entry) {
        entry.created = Math.max(entry.created, created);
        entry.workers++;
        if (model.loaded) entry.loadedOn++;
        for (const capability of model.capabilities) if (!entry.capabilities.includes(capability)) entry.capabilities.push(capability);
      } else {
        entries.set(name, { name, created, capabilities: [...model.capabilities], workers: 1, loadedOn: model.loaded ? 1 : 0 });
      }
    }
  }
  return [...entries.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export function findInCatalog(fleet: FleetTable, model: string): CatalogEntry | undefined {
  const name = normalizeModelName(model);
  return fleetCatalog(fleet).find((entry) => entry.name === name);
}
