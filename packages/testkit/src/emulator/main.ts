import { startEmulator } from './emulator.ts';
import { emulatorOptionsFromEnv } from './env.ts';

const emulator = await startEmulator(emulatorOptionsFromEnv(process.env));
process.stdout.write(`Ollama emulator listening on ${emulator.url}\n`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  emulator.close().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
