import type { ListedModel, ModelDetails, PsResponse, RunningModel, TagsResponse } from '../types.ts';

/** What a host reports of one of its models (a worker heartbeat's entry, in plain values). */
export interface HostModel {
  name: string;
  loaded: boolean;
  capabilities: readonly string[];
  family?: string;
  parameterSize?: string;
  quantization?: string;
  contextLength?: number;
  sizeBytes?: number;
  modifiedAt?: string;
  sizeVramBytes?: number;
  expiresAt?: string;
}

/** A name callers may use for a model some host has: an alias, shown with its target's details. */
export interface ListedAlias {
  alias: string;
  target: string;
  /** ISO 8601: when the alias last changed. */
  updatedAt: string;
}

/**
 * Corral has no manifest digest to give (hosts may hold different builds of one name); Ollama's
 * clients read the field as a string, so it is sent empty rather than invented.
 */
const NO_DIGEST = '';

/** Ollama fills `context_length` in `/api/tags` details only; `/api/ps` has its own top-level field. */
function detailsOf(model: HostModel, { withContextLength }: { withContextLength: boolean }): ModelDetails {
  return {
    parent_model: '',
    format: 'gguf',
    family: model.family ?? '',
    families: model.family ? [model.family] : null,
    parameter_size: model.parameterSize ?? '',
    quantization_level: model.quantization ?? '',
    ...(withContextLength && model.contextLength !== undefined ? { context_length: model.contextLength } : {}),
  };
}

function listed(name: string, model: HostModel, modifiedAt: string | undefined): ListedModel {
  return {
    name,
    model: name,
    modified_at: modifiedAt ?? new Date(0).toISOString(),
    size: model.sizeBytes ?? 0,
    digest: NO_DIGEST,
    details: detailsOf(model, { withContextLength: true }),
    capabilities: [...model.capabilities],
  };
}

/** One entry per model name across hosts: the newest copy's details, every host's capabilities. */
function mergeByName(models: Iterable<HostModel>): Map<string, HostModel> {
  const merged = new Map<string, HostModel>();
  for (const model of models) {
    const seen = merged.get(model.name);
    if (!seen) {
      merged.set(model.name, { ...model, capabilities: [...model.capabilities] });
      continue;
    }
    const capabilities = [...new Set([...seen.capabilities, ...model.capabilities])];
    const newer = (model.modifiedAt ?? '') > (seen.modifiedAt ?? '') ? model : seen;
    merged.set(model.name, { ...newer, capabilities, loaded: seen.loaded || model.loaded });
  }
  return merged;
}

/**
 * `GET /api/tags` for a whole fleet: every model some host has, plus every alias whose target one
 * has (listed under the alias, with the target's details), keeping only what `mayUse` allows.
 * `sameModel` tells whether two names are one model (`llama3.2` and `llama3.2:latest`).
 */
export function fleetTags(
  models: Iterable<HostModel>,
  aliases: readonly ListedAlias[],
  mayUse: (name: string) => boolean,
  normalise: (name: string) => string,
): TagsResponse {
  const byName = mergeByName(models);
  const entries: ListedModel[] = [];
  for (const [name, model] of byName) if (mayUse(name)) entries.push(listed(name, model, model.modifiedAt));
  const byNormalName = new Map([...byName.values()].map((model) => [normalise(model.name), model]));
  for (const alias of aliases) {
    const target = byNormalName.get(normalise(alias.target));
    if (!target || byNormalName.has(normalise(alias.alias)) || !mayUse(alias.alias)) continue;
    entries.push(listed(alias.alias, target, alias.updatedAt));
  }
  return { models: entries.sort((a, b) => a.name.localeCompare(b.name)) };
}

/**
 * `GET /api/ps` for a whole fleet: each loaded model once, with the largest VRAM footprint of a
 * copy and the latest unload time of any (the model stays served until then), sorted by
 * `expires_at` descending as Ollama sorts them.
 */
export function fleetPs(models: Iterable<HostModel>, mayUse: (name: string) => boolean): PsResponse {
  const running = new Map<string, RunningModel>();
  for (const model of models) {
    if (!model.loaded || !mayUse(model.name)) continue;
    const entry: RunningModel = {
      name: model.name,
      model: model.name,
      size: model.sizeBytes ?? 0,
      digest: NO_DIGEST,
      details: detailsOf(model, { withContextLength: false }),
      expires_at: model.expiresAt ?? new Date(0).toISOString(),
      size_vram: model.sizeVramBytes ?? 0,
      ...(model.contextLength !== undefined ? { context_length: model.contextLength } : {}),
    };
    const seen = running.get(model.name);
    if (!seen) {
      running.set(model.name, entry);
      continue;
    }
    seen.size_vram = Math.max(seen.size_vram, entry.size_vram);
    seen.size = Math.max(seen.size, entry.size);
    if (Date.parse(entry.expires_at) > Date.parse(seen.expires_at)) seen.expires_at = entry.expires_at;
  }
  return { models: [...running.values()].sort((a, b) => Date.parse(b.expires_at) - Date.parse(a.expires_at) || a.name.localeCompare(b.name)) };
}

/** Splits `0.12.3-rc1` into numbers and a pre-release tag (which sorts before the release). */
function versionParts(version: string): { numbers: number[]; prerelease: string | undefined } {
  const [core = '', ...rest] = version.replace(/^v/, '').split('-');
  return { numbers: core.split('.').map((part) => Number.parseInt(part, 10) || 0), prerelease: rest.length > 0 ? rest.join('-') : undefined };
}

export function compareVersions(left: string, right: string): number {
  const a = versionParts(left);
  const b = versionParts(right);
  for (let index = 0; index < Math.max(a.numbers.length, b.numbers.length); index++) {
    const difference = (a.numbers[index] ?? 0) - (b.numbers[index] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  if (a.prerelease === b.prerelease) return 0;
  if (a.prerelease === undefined) return 1;
  if (b.prerelease === undefined) return -1;
  return a.prerelease < b.prerelease ? -1 : 1;
}

/**
 * The version the fleet answers `GET /api/version` with: its oldest Ollama, since a client that
 * checks for a feature must find it on whichever host serves it; `fallback` when no host said.
 */
export function fleetVersion(versions: Iterable<string | undefined>, fallback: string): string {
  let oldest: string | undefined;
  for (const version of versions) {
    if (!version) continue;
    if (oldest === undefined || compareVersions(version, oldest) < 0) oldest = version;
  }
  return oldest ?? fallback;
}
