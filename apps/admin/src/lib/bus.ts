import 'server-only';
import { connectBus, type Bus } from '@corral/bus';
import { adminConfig } from './config.ts';
import { logger } from './logger.ts';

const holder = globalThis as typeof globalThis & { corralAdminBus?: Promise<Bus> };

/**
 * The one NATS connection of this process, opened on first use and kept on globalThis so hot
 * reload does not open another per edit. A failed connect is forgotten, so the next call retries.
 */
export function bus(): Promise<Bus> {
  if (!holder.corralAdminBus) {
    const config = adminConfig();
    const connecting = connectBus({ servers: config.NATS_URL, name: 'corral-admin', prefix: config.CORRAL_PREFIX });
    holder.corralAdminBus = connecting;
    connecting.catch((error: unknown) => {
      logger().error({ err: error }, 'could not connect to NATS');
      if (holder.corralAdminBus === connecting) holder.corralAdminBus = undefined;
    });
  }
  return holder.corralAdminBus;
}
