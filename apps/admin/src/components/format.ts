/** Display formats shared by the pages (server and client). */
export const usd = (value: number | null | undefined) => (value === null || value === undefined ? '—' : `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: value < 1 && value > 0 ? 4 : 2 })}`);

export const limit = (value: number | null | undefined, unit: string) => (value === null || value === undefined ? 'unlimited' : `${value.toLocaleString('en-US')} ${unit}`);

export const dateTime = (value: Date | string | null | undefined) => (value ? new Date(value).toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : '—');

export const day = (value: Date | string | null | undefined) => (value ? new Date(value).toISOString().slice(0, 10) : '—');

export function bytes(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let size = value;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit += 1;
  }
  return `${size.toFixed(size >= 10 || unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export const modelsText = (models: readonly string[]) => (models.length === 0 ? 'all models' : models.join(', '));
