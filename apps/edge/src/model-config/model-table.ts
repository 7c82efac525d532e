import { mirrorKv, type Bus } from '@corral/bus';
import { ModelConfig, aliasFromModelConfigKey } from '@corral/protocol';

export interface ResolvedModel {
  /** The name the caller asked for. */
  alias: string;
  /** The Ollama model to run. */
  target: string;
  /** Overrides to apply under the request's own settings; absent for a name with no alias. */
  config?: ModelConfig;
}

export interface ModelTable {
  readonly ready: Promise<void>;
  /** An unknown name resolves to itself, so plain Ollama model names work without configuration. */
  resolve(requestedModel: string): ResolvedModel;
  /** Every configured alias. */
  list(): ModelConfig[];
  size(): number;
  close(): void;
}

/** The edge's copy of the `models` bucket, kept current by a KV watch. */
export function createModelTable(bus: Bus, options: { onInvalid?: (key: string, error: unknown) => void } = {}): ModelTable {
  const configs = new Map<string, ModelConfig>();
  const mirror = mirrorKv(bus, 'models', ModelConfig, {
    onChange: (key, config) => {
      const alias = config?.alias ?? aliasFromModelConfigKey(key);
      if (config) configs.set(alias, config);
      else configs.delete(alias);
    },
    ...(options.onInvalid ? { onInvalid: options.onInvalid } : {}),
  });
  return {
    ready: mirror.ready,
    resolve(requestedModel) {
      const config = configs.get(requestedModel);
      if (!config) return { alias: requestedModel, target: requestedModel };
      return { alias: requestedModel, target: config.target, config };
    },
    list: () => [...configs.values()].sort((left, right) => left.alias.localeCompare(right.alias)),
    size: () => configs.size,
    close: () => mirror.stop(),
  };
}
