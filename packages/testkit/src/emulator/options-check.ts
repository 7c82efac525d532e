import { OllamaError } from './errors.ts';

type OptionKind = 'integer' | 'float' | 'boolean' | 'strings';

/** The fields of api.Options + api.Runner; any other key is ignored (Ollama only logs it). */
const optionKinds: Record<string, OptionKind> = {
  num_keep: 'integer',
  seed: 'integer',
  num_predict: 'integer',
  top_k: 'integer',
  top_p: 'float',
  min_p: 'float',
  typical_p: 'float',
  repeat_last_n: 'integer',
  temperature: 'float',
  repeat_penalty: 'float',
  presence_penalty: 'float',
  frequency_penalty: 'float',
  stop: 'strings',
  num_ctx: 'integer',
  num_batch: 'integer',
  num_gpu: 'integer',
  main_gpu: 'integer',
  use_mmap: 'boolean',
  num_thread: 'integer',
};

/** api.Options.FromMap: a wrong type is an error the handler reports as HTTP 500. */
export function checkOptions(options: Record<string, unknown> | undefined): void {
  if (options === undefined) return;
  for (const [key, value] of Object.entries(options)) {
    const kind = optionKinds[key];
    if (kind === undefined || value === null) continue;
    switch (kind) {
      case 'integer':
      case 'float':
        if (typeof value !== 'number') throw new OllamaError(500, `option "${key}" must be of type ${kind}`);
        break;
      case 'boolean':
        if (typeof value !== 'boolean') throw new OllamaError(500, `option "${key}" must be of type boolean`);
        break;
      case 'strings':
        if (!Array.isArray(value)) throw new OllamaError(500, `option "${key}" must be of type array`);
        if (!value.every((item) => typeof item === 'string')) {
          throw new OllamaError(500, `option "${key}" must be of an array of strings`);
        }
        break;
    }
  }
}

/** options.num_predict as a token cap; negative (-1, -2) means unbounded. */
export function tokenLimit(options: Record<string, unknown> | undefined): number {
  const numPredict = options?.num_predict;
  return typeof numPredict === 'number' && numPredict >= 0 ? Math.floor(numPredict) : Number.POSITIVE_INFINITY;
}

export function stopStrings(options: Record<string, unknown> | undefined): string[] {
  const stop = options?.stop;
  return Array.isArray(stop) ? stop.filter((item): item is string => typeof item === 'string' && item.length > 0) : [];
}
