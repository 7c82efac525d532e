import type { Options } from '@corral/ollama';

export interface OpenAISampling {
  temperature?: number | undefined;
  top_p?: number | undefined;
  seed?: number | undefined;
  frequency_penalty?: number | undefined;
  presence_penalty?: number | undefined;
  stop?: string | string[] | undefined;
}

/**
 * OpenAI sampling parameters → native options, only those the caller set: absent ones keep
 * the Modelfile's defaults (Ollama's own layer forces temperature and top_p to 1.0 instead).
 */
export function samplingOptions(request: OpenAISampling): Options {
  const options: Options = {};
  if (request.temperature !== undefined) options.temperature = request.temperature;
  if (request.top_p !== undefined) options.top_p = request.top_p;
  if (request.seed !== undefined) options.seed = request.seed;
  if (request.frequency_penalty !== undefined) options.frequency_penalty = request.frequency_penalty;
  if (request.presence_penalty !== undefined) options.presence_penalty = request.presence_penalty;
  if (request.stop !== undefined) {
    // Natively `stop` must be an array (a bare string is a 500).
    const stop = typeof request.stop === 'string' ? [request.stop] : request.stop;
    if (stop.length > 0) options.stop = stop;
  }
  return options;
}
