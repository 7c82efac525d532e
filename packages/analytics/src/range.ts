import { z } from 'zod';

export const Granularity = { Hour: 'hour', Day: 'day' } as const;
export type Granularity = (typeof Granularity)[keyof typeof Granularity];

export const PresetRange = { Day: '24h', Week: '7d', Month: '30d' } as const;
export type PresetRange = (typeof PresetRange)[keyof typeof PresetRange];

export type TimeRange = PresetRange | { from: Date; to: Date };

/** A range resolved to whole buckets: a bucket counts when it starts in [from, to). */
export interface ResolvedRange {
  from: Date;
  to: Date;
  granularity: Granularity;
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** Ranges up to this long read the hourly rollups; longer ones the daily. */
export const HOURLY_RANGE_LIMIT_MS = 48 * HOUR_MS;

export const TimeRangeSchema = z.union([
  z.enum([PresetRange.Day, PresetRange.Week, PresetRange.Month]),
  z
    .object({ from: z.coerce.date(), to: z.coerce.date() })
    .refine((range) => range.from.getTime() < range.to.getTime(), { message: '`from` must be before `to`' }),
]);

const floorTo = (date: Date, unit: number) => new Date(Math.floor(date.getTime() / unit) * unit);
const ceilTo = (date: Date, unit: number) => new Date(Math.ceil(date.getTime() / unit) * unit);

export function unitOf(granularity: Granularity): number {
  return granularity === Granularity.Hour ? HOUR_MS : DAY_MS;
}

/** Resolves at bucket boundaries (UTC). The last 24 h are 24 hourly buckets ending with the current hour. */
export function resolveRange(range: TimeRange, now: Date = new Date()): ResolvedRange {
  if (typeof range === 'string') {
    const [unit, count] = range === PresetRange.Day ? [HOUR_MS, 24] : range === PresetRange.Week ? [DAY_MS, 7] : [DAY_MS, 30];
    const to = new Date(floorTo(now, unit).getTime() + unit);
    return { from: new Date(to.getTime() - count * unit), to, granularity: unit === HOUR_MS ? Granularity.Hour : Granularity.Day };
  }
  const granularity = range.to.getTime() - range.from.getTime() <= HOURLY_RANGE_LIMIT_MS ? Granularity.Hour : Granularity.Day;
  return resolveWithGranularity(range, granularity);
}

export function resolveWithGranularity(range: { from: Date; to: Date }, granularity: Granularity): ResolvedRange {
  const unit = unitOf(granularity);
  return { from: floorTo(range.from, unit), to: ceilTo(range.to, unit), granularity };
}

/** Every bucket start of a resolved range, oldest first (to zero-fill series). */
export function bucketStarts(range: ResolvedRange): Date[] {
  const unit = unitOf(range.granularity);
  const starts: Date[] = [];
  for (let time = range.from.getTime(); time < range.to.getTime(); time += unit) starts.push(new Date(time));
  return starts;
}
