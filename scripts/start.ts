// `pnpm start`: the whole Corral on one machine. See scripts/start/launcher.ts.
//
// The package script is `trap '' INT TERM; node --import tsx scripts/start.ts`. Ctrl-C signals the
// terminal's whole foreground group, and pnpm relays it once more to its shell: a shell that takes
// two SIGINTs dies of the second, and pnpm then reports ELIFECYCLE however cleanly the launcher
// stopped. Ignored in the shell, the signal still reaches this process (Node installs its own
// handler), which stops everything in order and exits 0. It runs on `node --import tsx`, not the
// tsx CLI, whose own relay can deliver a second SIGINT that would read as a second Ctrl-C.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLauncher } from './start/launcher.ts';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
// Children run on the very Node that runs the launcher, with the same TypeScript loader.
const runtime = { node: process.execPath, loader: import.meta.resolve('tsx') };

process.exit(await runLauncher(process.argv.slice(2), process.env, root, runtime));
