import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EmulatorContext, Settings } from './context.ts';
import { parseKeepAlive } from './duration.ts';
import { DEFAULT_MODELS, ModelCatalog } from './models.ts';
import { RequestLog } from './request-log.ts';
import { createListener } from './router.ts';
import { Scheduler } from './scheduler.ts';
import type { Emulator, EmulatorOptions } from './types.ts';

function settingsFrom(options: EmulatorOptions, previous?: Settings): Settings {
  const base: Settings = previous ?? {
    tokensPerReply: 12,
    tokenDelayMs: 0,
    numParallel: 1,
    maxQueue: 512,
    loadDelayMs: 0,
    keepAliveMs: parseKeepAlive('5m'),
    failAfterTokens: undefined,
    embedCallDelayMs: 0,
    embedTokensPerSecond: 0,
  };
  return {
    tokensPerReply: options.tokensPerReply ?? base.tokensPerReply,
    tokenDelayMs: options.tokenDelayMs ?? base.tokenDelayMs,
    numParallel: options.numParallel ?? base.numParallel,
    maxQueue: options.maxQueue ?? base.maxQueue,
    loadDelayMs: options.loadDelayMs ?? base.loadDelayMs,
    keepAliveMs: options.keepAlive !== undefined ? parseKeepAlive(options.keepAlive) : base.keepAliveMs,
    failAfterTokens: 'failAfterTokens' in options ? options.failAfterTokens : base.failAfterTokens,
    embedCallDelayMs: options.embedCallDelayMs ?? base.embedCallDelayMs,
    embedTokensPerSecond: options.embedTokensPerSecond ?? base.embedTokensPerSecond,
  };
}

/** Starts an Ollama look-alike on node:http (see EmulatorOptions for the knobs). */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const settings = settingsFrom(options);
  const scheduler = new Scheduler(() => ({
    numParallel: settings.numParallel,
    maxQueue: settings.maxQueue,
    loadDelayMs: settings.loadDelayMs,
    defaultKeepAliveMs: settings.keepAliveMs,
  }));
  const log = new RequestLog(options.requestLogLimit);
  const context: EmulatorContext = {
    settings,
    catalog: new ModelCatalog(options.models ?? DEFAULT_MODELS),
    scheduler,
    log,
  };
  const controllers = new Set<AbortController>();
  const track = (controller: AbortController): (() => void) => {
    controllers.add(controller);
    return () => controllers.delete(controller);
  };
  const server = createServer({ keepAliveTimeout: 65_000 }, createListener(() => context, track));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${urlHost}:${address.port}`,
    async close() {
      for (const controller of controllers) controller.abort();
      scheduler.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
    setOptions(partial) {
      // Mutated in place so in-flight requests see new knobs (e.g. tokenDelayMs) at once.
      Object.assign(settings, settingsFrom(partial, settings));
      if (partial.models) context.catalog = new ModelCatalog(partial.models);
      if (partial.numParallel !== undefined) scheduler.setNumParallel(settings.numParallel);
    },
    requests: () => log.all(),
    cancellations: () => log.cancellations(),
    waitFor: (predicate, timeoutMs) => log.waitFor(predicate, timeoutMs),
    active: () => log.active(),
    peakActive: (path) => log.peakActive(path),
    loaded: () => scheduler.loadedNames(),
  };
}
