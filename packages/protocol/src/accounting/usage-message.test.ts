import { describe, expect, it } from 'vitest';
import { usageEvent } from '../testing/usage-event.ts';
import { createSubjects } from '../subjects.ts';
import { decodeUsageMessage, USAGE_EVENTS_PER_MESSAGE, usageEventList, usageEventListId, validUsageEvents } from './usage-message.ts';

const roundTrip = (value: unknown) => decodeUsageMessage(JSON.parse(JSON.stringify(value)));

describe('usage messages', () => {
  it.each([
    ['one event', usageEvent('a'), ['a'], 0],
    ['a list', usageEventList([usageEvent('a'), usageEvent('b')]), ['a', 'b'], 0],
    ['a list with a bad event among good ones', { v: 1, events: [usageEvent('a'), { ...usageEvent('b'), promptTokens: -1 }, usageEvent('c')] }, ['a', 'c'], 1],
    ['an invalid event', { ...usageEvent('a'), httpStatus: 42 }, [], 1],
    ['an empty list', { v: 1, events: [] }, [], 1],
    ['something else', 'hello', [], 1],
  ])('decodes %s', (_name, message, requestIds, invalid) => {
    const decoded = roundTrip(message);
    expect(decoded.events.map((event) => event.requestId)).toEqual(requestIds);
    expect(decoded.invalid).toBe(invalid);
  });

  it('sanitises each event of a list as a single event is', () => {
    const decoded = roundTrip(usageEventList([usageEvent('a', { model: 'llama\u0000', alias: 'm'.repeat(10_000) })]));
    expect(decoded.events[0]?.model).not.toContain('\u0000');
    expect(decoded.events[0]?.alias.length).toBeLessThan(10_000);
  });

  it('refuses a list longer than a message may carry, as one invalid message', () => {
    const events = Array.from({ length: USAGE_EVENTS_PER_MESSAGE + 1 }, (_, index) => usageEvent(`r${index}`));
    expect(roundTrip(usageEventList(events))).toEqual({ events: [], invalid: 1 });
    expect(validUsageEvents(events).events).toHaveLength(USAGE_EVENTS_PER_MESSAGE + 1);
  });

  it('names a list by an id no single event can have, and a subject inside the usage stream', () => {
    const events = [usageEvent('batch_1-line_0'), usageEvent('batch_1-line_1')];
    expect(usageEventListId(events)).toBe('batch_1-line_0:2');
    expect(usageEventListId(events)).not.toMatch(/^[A-Za-z0-9_-]+$/);
    const subjects = createSubjects('corral');
    expect(subjects.usageList('batch_1-line_0')).toBe('corral.usage.list.batch_1-line_0');
    expect(subjects.usageList('x').startsWith(subjects.usageWildcard().slice(0, -1))).toBe(true);
  });
});
