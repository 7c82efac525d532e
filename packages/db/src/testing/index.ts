export { testDatabaseUrl } from './database-url.ts';
