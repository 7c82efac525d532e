export { usageEvent } from './usage-event.ts';
