export { Granularity, PresetRange, TimeRangeSchema, resolveRange, bucketStarts, type TimeRange, type ResolvedRange } from './range.ts';
export { emptyTotals, addTotals, type UsageTotals } from './metrics.ts';
export type { LatencySummary } from './latency.ts';
export { overview, type Overview, type SeriesPoint, type UsageFilter } from './overview.ts';
export { usageSeries } from './series.ts';
export { topTeams, topKeys, topModels, type TopOptions, type TopTeam, type TopKey, type TopModel } from './tops.ts';
export {
  BreakdownGroup,
  UsageBreakdownQuery,
  HOURLY_BREAKDOWN_MAX_MS,
  usageBreakdown,
  stackBreakdown,
  type BreakdownRow,
  type StackedSeries,
} from './breakdown.ts';
export { usageCsv, csvCell, csvLine, USAGE_CSV_HEADER } from './csv.ts';
export { requestLog, RequestLogQuery, REQUEST_LOG_MAX_LIMIT, type RequestLogRow, type RequestLogPage } from './request-log.ts';
export { encodeCursor, decodeCursor, encodeKeyset, decodeKeyset, type LogCursor } from './cursor.ts';
export { PAGE_SIZE, likePattern, type ListPage } from './directory/paging.ts';
export { KeyStatusFilter, KEY_CHOICES_LIMIT, listKeys, findKey, keyChoices, type KeyRow, type ListKeysOptions } from './directory/keys.ts';
export { listTeams, findTeam, teamChoices, type TeamRow, type ListTeamsOptions } from './directory/teams.ts';
export { listAliases, type AliasRow } from './directory/models.ts';
export { seedUsage, SeedRefused, SEED_PREFIX, type SeedOptions } from './seed/seed-usage.ts';
