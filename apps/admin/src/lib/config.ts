import 'server-only';
import { busSettings, integer, optionalString, parseEnv } from '@corral/config';
import { z } from 'zod';

export const AdminConfig = z.object({
  ...busSettings,
  /** Postgres the pages read (accounting's database). Default: postgres://postgres@127.0.0.1:5432/corral. */
  DATABASE_URL: z.preprocess((value) => (value === '' || value === undefined ? 'postgres://postgres@127.0.0.1:5432/corral' : value), z.string()),
  /** Port of `next start` / `next dev` (read by the package scripts). Default: 3000. */
  ADMIN_PORT: integer(3000),
  /**
   * The URL people open, when the app sits behind a proxy that rewrites Host (https://admin.example.com).
   * Its origin is accepted for mutations besides the request's own Host, and https here marks the
   * session cookie Secure. Default: unset.
   */
  ADMIN_PUBLIC_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
});
export type AdminConfig = z.infer<typeof AdminConfig>;

let parsed: AdminConfig | undefined;

/** Parsed on first use, not at import: `next build` imports every module without the runtime environment. */
export function adminConfig(): AdminConfig {
  parsed ??= parseEnv(AdminConfig, process.env);
  return parsed;
}
