import { EdgeConfig, parseEnv } from '@corral/config';
import { startEdge } from './server.ts';

const config = parseEnv(EdgeConfig, process.env);
const edge = await startEdge(config);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  edge.app.log.info({ signal }, 'edge shutting down');
  await edge.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
