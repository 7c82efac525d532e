const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** Start of the UTC hour holding `date`. */
export function hourStart(date: Date): Date {
  return new Date(Math.floor(date.getTime() / HOUR_MS) * HOUR_MS);
}

/** Start of the UTC day holding `date`. */
export function dayStart(date: Date): Date {
  return new Date(Math.floor(date.getTime() / DAY_MS) * DAY_MS);
}

/** The UTC calendar month holding `date`, as YYYY-MM (what a TeamRecord's `month` says). */
export function monthOf(date: Date): string {
  return date.toISOString().slice(0, 7);
}

/** The first day of the UTC month holding `date`, as team_spend stores the month (a `date`). */
export function monthStart(date: Date): string {
  return `${monthOf(date)}-01`;
}
