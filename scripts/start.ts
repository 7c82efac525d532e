// `pnpm start`: the whole Corral on one machine. See scripts/start/launcher.ts.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLauncher } from './start/launcher.ts';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
// Children run on the very Node that runs the launcher, with the same TypeScript loader.
const runtime = { node: process.execPath, loader: import.meta.resolve('tsx') };

process.exit(await runLauncher(process.argv.slice(2), process.env, root, runtime));
