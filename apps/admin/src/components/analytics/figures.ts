/** Number formats for the analytics pages (server and client). */

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const compactFormat = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

export const count = (value: number) => integer.format(value);

/** 1.2M, 34.5K: for chart axes and cards where the exact figure is in the tooltip or a table. */
export const compact = (value: number) => compactFormat.format(value);

export const percent = (part: number, whole: number) => (whole === 0 ? '—' : `${((part / whole) * 100).toFixed(part / whole < 0.1 ? 2 : 1)} %`);

/** Milliseconds as people read them: 850 ms, 1.24 s, 2 min 5 s. */
export function milliseconds(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (value < 1000) return `${Math.round(value)} ms`;
  if (value < 60_000) return `${(value / 1000).toFixed(value < 10_000 ? 2 : 1)} s`;
  return duration(value / 1000);
}

/** Seconds of GPU time: 42 s, 3 min 12 s, 5 h 20 min. */
export function duration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  const hours = Math.floor(seconds / 3600);
  return hours < 48 ? `${hours} h ${Math.round((seconds % 3600) / 60)} min` : `${count(hours)} h`;
}

export const money = (value: number) => `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: value > 0 && value < 1 ? 4 : 2 })}`;

/** A bucket's label on a chart axis: "14:00" for hours, "2025-03-07" for days (UTC). */
export function bucketLabel(period: Date, granularity: 'hour' | 'day'): string {
  const text = period.toISOString();
  return granularity === 'hour' ? `${text.slice(5, 10)} ${text.slice(11, 16)}` : text.slice(0, 10);
}
