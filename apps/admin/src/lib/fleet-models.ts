import type { FleetWorker } from './fleet-types.ts';

export interface FleetModel {
  name: string;
  /** Workers that have it installed. */
  workers: string[];
  /** Workers that have it in memory now. */
  loadedOn: string[];
  sizeBytes?: number;
  vramBytes: number;
  parameterSize?: string;
  quantization?: string;
}

/** The fleet's models: one row per model name, across every worker's inventory. */
export function fleetModels(workers: readonly FleetWorker[]): FleetModel[] {
  const byName = new Map<string, FleetModel>();
  for (const worker of workers) {
    for (const model of worker.models) {
      const row = byName.get(model.name) ?? { name: model.name, workers: [], loadedOn: [], vramBytes: 0, sizeBytes: model.sizeBytes, parameterSize: model.parameterSize, quantization: model.quantization };
      row.workers.push(worker.workerId);
      if (model.loaded) {
        row.loadedOn.push(worker.workerId);
        row.vramBytes += model.sizeVramBytes ?? 0;
      }
      byName.set(model.name, row);
    }
  }
  return [...byName.values()].sort((left, right) => left.name.localeCompare(right.name));
}
