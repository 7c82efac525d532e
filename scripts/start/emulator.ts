import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setting, type Environment } from './environment.ts';
import { LauncherError } from './errors.ts';
import { pickPort, waitForPort } from './probe.ts';
import { typescriptChild, type Runtime } from './services.ts';
import type { Supervisor } from './supervisor.ts';

/** Beside Ollama's own 11434, so the emulator never takes the port a real Ollama wants. */
export const defaultEmulatorPort = 11435;
const entry = 'src/emulator/main.ts';

/** The first http(s) URL in a line the emulator prints, with a wildcard bind address made dialable. */
export function emulatorUrlFromLine(line: string): string | undefined {
  const match = /https?:\/\/[^\s"'<>]+/.exec(line);
  if (!match) return undefined;
  try {
    const url = new URL(match[0]);
    if (url.hostname === '0.0.0.0' || url.hostname === '[::]') url.hostname = '127.0.0.1';
    return url.origin;
  } catch {
    return undefined;
  }
}

/** Starts the Ollama emulator (EMULATOR_PORT, else 11435 when free) and returns its URL once it answers. */
export async function startEmulator(env: Environment, supervisor: Supervisor, root: string, runtime: Runtime): Promise<string> {
  const directory = join(root, 'packages', 'testkit');
  if (!existsSync(join(directory, entry))) {
    throw new LauncherError(`the Ollama emulator is missing (${join('packages', 'testkit', entry)}); run without --emulator and point OLLAMA_URL at an Ollama`);
  }
  const configured = setting(env, 'EMULATOR_PORT');
  const port = configured === undefined ? await pickPort(defaultEmulatorPort) : Number(configured);
  if (!Number.isInteger(port) || port <= 0 || port > 65_535) throw new LauncherError(`EMULATOR_PORT must be a port number, not ${configured}`);

  const child = supervisor.start(typescriptChild('emulator', directory, entry, runtime, { ...env, EMULATOR_PORT: String(port) }), 'infrastructure');
  let printed: string | undefined;
  child.onLine((line) => {
    printed ??= emulatorUrlFromLine(line);
  });
  const answered = await waitForPort('127.0.0.1', port, 30_000, () => child.isRunning() && printed === undefined);
  if (printed !== undefined) return printed;
  if (answered) return `http://127.0.0.1:${port}`;
  throw new LauncherError(`the Ollama emulator did not come up on port ${port}; its output is above`);
}
