import type { Emulator } from '../emulator/types.ts';

/**
 * Stands in for the emulator handle of a worker that serves an Ollama running elsewhere (an emulator
 * process, a real Ollama). Only `url` and `close` mean something: the requests of another process
 * cannot be observed from here, so the inspection methods say so instead of returning nothing.
 */
export function externalOllama(url: string): Emulator {
  const unavailable = (what: string) => (): never => {
    throw new Error(`${what} is not available: this worker serves the external Ollama at ${url}`);
  };
  return {
    url,
    close: () => Promise.resolve(),
    setOptions: unavailable('setOptions'),
    requests: unavailable('requests'),
    cancellations: unavailable('cancellations'),
    waitFor: unavailable('waitFor'),
    active: unavailable('active'),
    peakActive: unavailable('peakActive'),
    loaded: unavailable('loaded'),
  };
}
