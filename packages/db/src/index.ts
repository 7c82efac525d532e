export { createDb, type Db, type DbHandle, type CreateDbOptions, type Schema } from './client.ts';
export { migrate, migrationsFolder } from './migrate.ts';
export { ensureDatabase, dropDatabase } from './ensure-database.ts';
export { resolveDatabase, DatabaseSource, type ResolvedDatabase, type ResolveDatabaseOptions } from './resolve-database.ts';
export { embeddedPasswordFile, startEmbeddedPostgres, type EmbeddedPostgresOptions, type EmbeddedPostgresHandle } from './embedded.ts';
export { withDatabase, databaseName } from './connection-url.ts';
export { apiKeys, models, usage, usageHourly, usageDaily, usageTeamHourly, usageTeamDaily, responses, teams, teamSpend, adminUsers, adminSessions } from './schema/index.ts';
export {
  LATENCY_BUCKET_BOUNDS,
  LATENCY_BUCKET_RATIO,
  latencyBucket,
  countLatencies,
  addLatency,
  packHistogram,
  unpackHistogram,
  bucketRange,
  histogramPercentile,
  latencyBucketSql,
  packedElementSql,
  mergeHistogramsSql,
  type LatencyCounts,
} from './latency-histogram.ts';
