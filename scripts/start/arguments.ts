import { LauncherError } from './errors.ts';

export interface LauncherArguments {
  /** Start the Ollama emulator and point the worker at it. */
  emulator: boolean;
  help: boolean;
}

export const usage = `Usage: pnpm start [--emulator]

Runs the whole Corral on this machine: NATS, Postgres, accounting, worker and edge.

  --emulator   start the Ollama emulator and use it instead of a real Ollama
               (same as CORRAL_EMULATOR=1)
  --help       show this text

Environment: NATS_URL, DATABASE_URL, OLLAMA_URL (default http://127.0.0.1:11434),
PORT (default 8080), CORRAL_PREFIX, EMULATOR_PORT (default 11434).`;

const truthy = new Set(['1', 'true', 'yes', 'on']);

export function parseArguments(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): LauncherArguments {
  const parsed: LauncherArguments = { emulator: truthy.has((env.CORRAL_EMULATOR ?? '').toLowerCase()), help: false };
  for (const argument of argv) {
    if (argument === '--emulator') parsed.emulator = true;
    else if (argument === '--help' || argument === '-h') parsed.help = true;
    // pnpm passes a literal `--` through when people type `pnpm start -- --emulator`.
    else if (argument === '--') continue;
    else throw new LauncherError(`unknown argument ${argument}\n\n${usage}`);
  }
  return parsed;
}
