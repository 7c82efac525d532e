/** The environment as the launcher reads it; an empty variable counts as unset. */
export type Environment = Readonly<Record<string, string | undefined>>;

export function setting(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** A connection URL fit for printing: the password is masked. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === '') return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

const enabledValues = new Set(['1', 'true', 'yes', 'on']);

/** A yes/no switch such as CORRAL_EMULATOR=1: on for 1, true, yes or on (any case). */
export function isEnabled(env: Environment, name: string): boolean {
  return enabledValues.has((setting(env, name) ?? '').toLowerCase());
}
