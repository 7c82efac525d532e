/**
 * Global test setup: integration and end-to-end tests talk to a real NATS (with JetStream) and a
 * real Postgres. Use NATS_URL / DATABASE_URL when set; else the local defaults when they answer;
 * else start them with Testcontainers when a Docker engine is available; else fail with a clear
 * message — never skip silently.
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';

const LOCAL_NATS = 'nats://127.0.0.1:4222';
const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';

function answers(url: string, defaultPort: number): Promise<boolean> {
  const parsed = new URL(url.split(',')[0]!.trim());
  return new Promise((resolve) => {
    const socket = connect({ host: parsed.hostname, port: Number(parsed.port || defaultPort) });
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(1500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

type Stop = () => Promise<void>;

async function dockerAvailable(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

async function startNatsContainer(): Promise<{ url: string; stop: Stop }> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer('nats:2.11').withCommand(['-js']).withExposedPorts(4222).withWaitStrategy(Wait.forLogMessage(/Server is ready/)).start();
  return { url: `nats://${container.getHost()}:${container.getMappedPort(4222)}`, stop: async () => void (await container.stop()) };
}

async function startPostgresContainer(): Promise<{ url: string; stop: Stop }> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const password = randomBytes(12).toString('hex');
  const container = await new GenericContainer('postgres:17')
    .withEnvironment({ POSTGRES_PASSWORD: password })
    .withExposedPorts(5432)
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .start();
  return { url: `postgres://postgres:${password}@${container.getHost()}:${container.getMappedPort(5432)}/postgres`, stop: async () => void (await container.stop()) };
}

export default async function setup(): Promise<Stop> {
  const stops: Stop[] = [];
  const natsUrl = process.env.NATS_URL || LOCAL_NATS;
  const databaseUrl = process.env.DATABASE_URL || LOCAL_POSTGRES;
  const natsUp = await answers(natsUrl, 4222);
  const postgresUp = await answers(databaseUrl, 5432);

  if (!natsUp || !postgresUp) {
    const missing = [!natsUp && `NATS at ${natsUrl}`, !postgresUp && `Postgres at ${databaseUrl}`].filter(Boolean).join(' and ');
    if (!(await dockerAvailable())) {
      throw new Error(
        `Integration tests need ${missing}, which did not answer, and no Docker engine is available for Testcontainers.\n` +
          'Start them (Debian: apt-get install nats-server postgresql; nats-server -js), or set NATS_URL / DATABASE_URL.',
      );
    }
    if (!natsUp) {
      const nats = await startNatsContainer();
      process.env.NATS_URL = nats.url;
      stops.push(nats.stop);
    }
    if (!postgresUp) {
      const postgres = await startPostgresContainer();
      process.env.DATABASE_URL = postgres.url;
      stops.push(postgres.stop);
    }
  }
  return async () => {
    for (const stop of stops) await stop();
  };
}
