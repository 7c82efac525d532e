import { z } from 'zod';
import { PROTOCOL_VERSION } from '../version.ts';
import { version } from './common.ts';
import { UsageEvent } from './usage.ts';
import { sanitizeUsageEvent } from './usage-sanitize.ts';

/**
 * Most events one usage message carries. A batch unit publishes its lines' events (one per line) in
 * one message rather than one message each; accounting stores a message's events in one insert,
 * and 500 rows stay far inside Postgres' 65 535 parameters per statement.
 */
export const USAGE_EVENTS_PER_MESSAGE = 500;

/** Several requests' usage events in one message. Each keeps its own request id, the key of its row. */
export const UsageEventList = z.object({
  ...version,
  events: z.array(z.unknown()).min(1).max(USAGE_EVENTS_PER_MESSAGE),
});

/** The body of a message carrying these events (at most USAGE_EVENTS_PER_MESSAGE, validated first). */
export function usageEventList(events: readonly UsageEvent[]): z.infer<typeof UsageEventList> {
  return { v: PROTOCOL_VERSION, events: [...events] };
}

/**
 * The JetStream message id of a list: its first request id and its length, joined by a character no
 * request id holds, so it never equals a single event's id and a re-sent list is dropped as a
 * duplicate.
 */
export function usageEventListId(events: readonly UsageEvent[]): string {
  return `${events[0]?.requestId ?? ''}:${events.length}`;
}

export interface DecodedUsageMessage {
  events: UsageEvent[];
  /** Events in the message that can never be stored (dropped, and worth a log line). */
  invalid: number;
}

/**
 * The events of a usage message, whichever shape it has: one event, or a list. Every event is
 * sanitised and validated on its own, so one bad event never costs the others their rows.
 */
export function decodeUsageMessage(json: unknown): DecodedUsageMessage {
  const list = UsageEventList.safeParse(json);
  return validUsageEvents(list.success ? list.data.events : [json]);
}

/** The events as they can be stored (sanitised, validated one by one), and how many could not. */
export function validUsageEvents(candidates: readonly unknown[]): DecodedUsageMessage {
  const events: UsageEvent[] = [];
  for (const candidate of candidates) {
    const parsed = UsageEvent.safeParse(sanitizeUsageEvent(candidate));
    if (parsed.success) events.push(parsed.data);
  }
  return { events, invalid: candidates.length - events.length };
}
