import { parseArgs } from 'node:util';
import { isEnabled } from './environment.ts';
import { LauncherError } from './errors.ts';

export interface LauncherArguments {
  /** Start the Ollama emulator and point the worker at it. */
  emulator: boolean;
  help: boolean;
}

export const usage = `Usage: pnpm start [--emulator]

Runs the whole Corral on this machine: NATS, Postgres, accounting, worker, edge and the admin app.

  --emulator   start the Ollama emulator and use it instead of a real Ollama
               (same as CORRAL_EMULATOR=1)
  --help       show this text

Environment: NATS_URL, DATABASE_URL, OLLAMA_URL (default http://127.0.0.1:11434),
PORT (default 8080), ADMIN_PORT (default 3000), CORRAL_PREFIX, EMULATOR_PORT (default 11435),
NATS_SERVER_DOWNLOAD_URL (mirror of the nats-server releases), CORRAL_NO_DOWNLOAD=1 (never download).`;

const options = {
  emulator: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function parseArguments(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): LauncherArguments {
  // pnpm passes a literal `--` through when people type `pnpm start -- --emulator`.
  const { values, tokens } = parseArgs({ args: argv.filter((argument) => argument !== '--'), options, strict: false, allowPositionals: true, tokens: true });
  // Not strict, so that a mistake is named in the launcher's own words, with the usage below it.
  for (const token of tokens) {
    if (token.kind === 'positional' || (token.kind === 'option' && !Object.hasOwn(options, token.name))) {
      throw new LauncherError(`unknown argument ${token.kind === 'positional' ? token.value : token.rawName}\n\n${usage}`);
    }
    if (token.kind === 'option' && token.value !== undefined) throw new LauncherError(`${token.rawName} takes no value\n\n${usage}`);
  }
  return {
    emulator: values.emulator === true || isEnabled(env, 'CORRAL_EMULATOR'),
    help: values.help === true,
  };
}
