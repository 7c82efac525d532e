/**
 * SQLSTATE classes that mean "this data can never be stored" (22 data exception, 23 integrity
 * violation). Anything else — refused connections, a restarting server, deadlocks — is worth
 * retrying as it is.
 */
export function isPermanentDataError(error: unknown): boolean {
  const code = findCode(error);
  return code !== undefined && (code.startsWith('22') || code.startsWith('23'));
}

/** A UNIQUE constraint refused the row (SQLSTATE 23505): the caller asked for a name already taken. */
export function isUniqueViolation(error: unknown): boolean {
  return findCode(error) === '23505';
}

function findCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
