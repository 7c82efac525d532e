export { startNatsRelay, type NatsRelay } from './nats-relay.ts';
