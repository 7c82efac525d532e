import { existsSync } from 'node:fs';
import { hintWhenNoAdmin } from './admin-hint.ts';
import { parseArguments, usage } from './arguments.ts';
import { startEmulator } from './emulator.ts';
import { redactUrl, setting, type Environment } from './environment.ts';
import { LauncherError } from './errors.ts';
import { formatPrefix } from './line-prefixer.ts';
import { resolveNats } from './nats.ts';
import { resolvePostgres } from './postgres.ts';
import { stopSignals } from './signal-ownership.ts';
import { defaultEdgePort, defaultOllamaUrl, planServices, serviceEnvironment, type Runtime } from './services.ts';
import { Supervisor } from './supervisor.ts';

const say = (message: string) => process.stdout.write(`${formatPrefix('corral')}${message}\n`);

/** Runs Corral on this machine until a signal or a crash; resolves with the process exit code. */
export async function runLauncher(argv: readonly string[], env: Environment, root: string, runtime: Runtime): Promise<number> {
  let options;
  try {
    options = parseArguments(argv, env);
  } catch (error) {
    if (!(error instanceof LauncherError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }

  const supervisor = new Supervisor(say);
  installSignalHandlers(supervisor);
  try {
    const nats = await resolveNats(env, supervisor, root, { say });
    say(`NATS: ${redactUrl(nats.url)} (${nats.source})`);
    const postgres = await resolvePostgres(env);
    if (postgres.stop) supervisor.addCleanup(postgres.stop);
    say(`Postgres: ${redactUrl(postgres.url)} (${postgres.source})`);
    if (supervisor.isStopping) return await supervisor.done;

    const ollamaUrl = options.emulator ? await startEmulator(env, supervisor, root, runtime) : (setting(env, 'OLLAMA_URL') ?? defaultOllamaUrl);
    say(`Ollama: ${ollamaUrl}${options.emulator ? ' (emulator)' : ''}`);
    if (supervisor.isStopping) return await supervisor.done;

    const serviceEnv = serviceEnvironment(env, { natsUrl: nats.url, databaseUrl: postgres.url, ollamaUrl });
    const services = planServices(root, serviceEnv, runtime, existsSync).map((spec) => supervisor.start(spec, 'service'));
    say(`started ${services.map((child) => `${child.spec.name} (pid ${child.pid ?? 'none'})`).join(', ')}; a crashed one is restarted`);
    say(`edge on http://127.0.0.1:${setting(env, 'PORT') ?? defaultEdgePort} (Ctrl-C stops everything)`);
    // In the background: it waits for accounting to migrate a fresh database, and must not hold up the run.
    void hintWhenNoAdmin(postgres.url, say, () => !supervisor.isStopping);
    return await supervisor.done;
  } catch (error) {
    say(error instanceof LauncherError ? error.message : `launcher failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    await supervisor.shutdown(1);
    return await supervisor.done;
  }
}

function installSignalHandlers(supervisor: Supervisor): void {
  const onSignal = (signal: NodeJS.Signals) => {
    if (supervisor.isStopping) {
      say(`${signal} again: killing what is left`);
      supervisor.forceKill();
      return;
    }
    say(`${signal}: stopping (the worker drains its jobs; press Ctrl-C again to force)`);
    void supervisor.shutdown(0);
  };
  // A closed terminal (SIGHUP) stops everything in order too, rather than leaving children behind.
  for (const signal of stopSignals) process.on(signal, onSignal);
  // Children run in their own process groups, so nothing else stops them if the launcher dies.
  process.on('exit', () => supervisor.signalAll('SIGTERM'));
}
