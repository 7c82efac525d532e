import { join } from 'node:path';
import { adminChild, adminDirectory } from './admin.ts';
import type { ChildSpec } from './child.ts';
import { setting, type Environment } from './environment.ts';

export const defaultOllamaUrl = 'http://127.0.0.1:11434';
export const defaultEdgePort = '8080';

export interface Endpoints {
  natsUrl: string;
  databaseUrl: string;
  ollamaUrl: string;
}

/** How a TypeScript entry point is run: the launcher's own Node with tsx's loader. */
export interface Runtime {
  node: string;
  loader: string;
}

/** Everything a service gets: the launcher's environment plus the endpoints it decided on. */
export function serviceEnvironment(env: Environment, endpoints: Endpoints): NodeJS.ProcessEnv {
  return {
    ...env,
    NATS_URL: endpoints.natsUrl,
    DATABASE_URL: endpoints.databaseUrl,
    OLLAMA_URL: endpoints.ollamaUrl,
    PORT: setting(env, 'PORT') ?? defaultEdgePort,
    CORRAL_PREFIX: setting(env, 'CORRAL_PREFIX') ?? 'corral',
  };
}

export function typescriptChild(name: string, directory: string, entry: string, runtime: Runtime, env: NodeJS.ProcessEnv): ChildSpec {
  return { name, command: runtime.node, args: ['--import', runtime.loader, entry], cwd: directory, env };
}

/**
 * The services to start, in order. Accounting is optional while it is being built: it is
 * started only when its entry point exists.
 */
export function planServices(root: string, env: NodeJS.ProcessEnv, runtime: Runtime, exists: (path: string) => boolean): ChildSpec[] {
  const apps = ['accounting', 'worker', 'edge'];
  const services = apps
    .filter((name) => name !== 'accounting' || exists(join(root, 'apps', name, 'src', 'main.ts')))
    .map((name) => typescriptChild(name, join(root, 'apps', name), 'src/main.ts', runtime, env));
  return hasAdmin(root, exists) ? [...services, adminChild(root, runtime, env)] : services;
}

export function hasAdmin(root: string, exists: (path: string) => boolean): boolean {
  return exists(join(adminDirectory(root), 'package.json'));
}
