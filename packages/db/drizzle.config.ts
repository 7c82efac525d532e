import { defineConfig } from 'drizzle-kit';

// Generation only needs the schema; `pnpm db:migrate` applies the checked-in SQL at runtime.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema/index.ts',
  out: './drizzle',
});
