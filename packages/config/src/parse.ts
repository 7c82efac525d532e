import type { z } from 'zod';

/** Parses an environment with a zod schema once at boot; a bad value stops the process with a clear message. */
export function parseEnv<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv | Record<string, string | undefined>): z.infer<T> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(env)'}: ${issue.message}`);
  throw new Error(`invalid configuration:\n${problems.join('\n')}`);
}
