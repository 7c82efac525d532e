// A stand-in batch thread for batch-thread-host.test.ts: it counts its starts in shared memory, dies
// on its first `crashes` starts, and then stops when told (or never, with `ignoreStop`).
import { parentPort, workerData } from 'node:worker_threads';

const { starts, crashes, ignoreStop } = workerData;
const start = Atomics.add(new Int32Array(starts), 0, 1) + 1;
if (start <= crashes) throw new Error(`start ${start} dies on purpose`);
// Alive until told to stop, like the real thread's bus connection keeps it.
const alive = setInterval(() => undefined, 1000);
parentPort.on('message', (message) => {
  if (message !== 'stop' || ignoreStop) return;
  clearInterval(alive);
  process.exit(0);
});
