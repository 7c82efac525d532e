/** Go's RFC3339Nano: fraction up to 9 digits with trailing zeros trimmed, `Z` for UTC. */
function trimFraction(fraction: string): string {
  const trimmed = fraction.replace(/0+$/, '');
  return trimmed.length > 0 ? `.${trimmed}` : '';
}

/** `time.Now().UTC()` as Go marshals it, with sub-millisecond digits from the monotonic clock. */
export function nowRfc3339Nano(): string {
  const now = performance.timeOrigin + performance.now();
  const wholeMs = Math.floor(now);
  const iso = new Date(wholeMs).toISOString();
  const subMs = Math.floor((now - wholeMs) * 1e6)
    .toString()
    .padStart(6, '0');
  return `${iso.slice(0, 19)}${trimFraction(iso.slice(20, 23) + subMs)}Z`;
}

function pad(value: number, width = 2): string {
  return value.toString().padStart(width, '0');
}

/** A time in the server's local zone, as Ollama prints `modified_at` / `expires_at`. */
export function localRfc3339Nano(epochMs: number): string {
  const date = new Date(epochMs);
  const offsetMinutes = -date.getTimezoneOffset();
  const clock =
    `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
    trimFraction(pad(date.getMilliseconds(), 3));
  if (offsetMinutes === 0) return `${clock}Z`;
  const sign = offsetMinutes > 0 ? '+' : '-';
  const absolute = Math.abs(offsetMinutes);
  return `${clock}${sign}${pad(Math.floor(absolute / 60))}:${pad(absolute % 60)}`;
}

/** Unix seconds of an RFC3339 timestamp (OpenAI `created`). */
export function unixSeconds(rfc3339: string): number {
  return Math.floor(Date.parse(rfc3339) / 1000);
}
