import { join } from 'node:path';
import { startChild, type ChildSpec } from './child.ts';
import { setting, type Environment } from './environment.ts';
import { LauncherError } from './errors.ts';
import type { Runtime } from './services.ts';
import type { Supervisor } from './supervisor.ts';

export const defaultAdminPort = '3000';

export function adminDirectory(root: string): string {
  return join(root, 'apps', 'admin');
}

export function adminPort(env: Environment): string {
  return setting(env, 'ADMIN_PORT') ?? defaultAdminPort;
}

/**
 * The admin app runs as a production Next.js server (`next start`), on the launcher's own Node.
 * Next's entry point is the app's own dependency (pnpm links it into the app's node_modules), not
 * whatever `next` the PATH has.
 */
export function adminChild(root: string, runtime: Runtime, env: NodeJS.ProcessEnv): ChildSpec {
  const directory = adminDirectory(root);
  const next = join(directory, 'node_modules', 'next', 'dist', 'bin', 'next');
  return { name: 'admin', command: runtime.node, args: [next, 'start', '--port', adminPort(env)], cwd: directory, env: { ...env, NODE_ENV: 'production' } };
}

/**
 * Builds the admin app for production when its build is missing or older than its sources (the
 * first `pnpm start`, or after an update), so set-up stays `pnpm install` alone. The build's own
 * lines are shown, prefixed, because the first one takes a minute or two.
 */
export async function ensureAdminBuild(root: string, runtime: Runtime, env: NodeJS.ProcessEnv, supervisor: Supervisor): Promise<void> {
  const build = startChild({ name: 'admin-build', command: runtime.node, args: ['--import', runtime.loader, 'scripts/ensure-build.ts'], cwd: adminDirectory(root), env });
  // Ctrl-C during the build stops it with the rest (it runs in its own process group).
  supervisor.addCleanup(async () => {
    if (build.isRunning()) build.signal('SIGTERM');
  });
  const exit = await build.exited;
  if (supervisor.isStopping) return;
  if (exit.code !== 0) throw new LauncherError(`the admin app's production build failed (${exit.signal ?? `exit code ${exit.code}`}); its last lines are above`);
}
