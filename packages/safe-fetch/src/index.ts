export { safeFetch } from './safe-fetch.ts';
export { SafeFetchError, SafeFetchErrorCode } from './errors.ts';
export type { SafeFetchPolicy } from './policy.ts';
export type { FetchedBody as SafeFetchResult } from './hop.ts';
