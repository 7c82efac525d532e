import type { Db } from '@corral/db';
import { seriesOf, type SeriesPoint } from './overview.ts';
import { resolveRange } from './range.ts';

/**
 * One key's or one team's (or, with neither, everyone's) usage per bucket between two instants:
 * hourly up to 48 h, daily beyond; zero-filled, for the key and team detail charts.
 */
export async function usageSeries(db: Db, options: { teamId?: string; keyId?: string; from: Date; to: Date }): Promise<SeriesPoint[]> {
  return seriesOf(db, resolveRange({ from: options.from, to: options.to }), options);
}
