import { z } from 'zod';

/**
 * Form fields arrive as strings; these turn them into what accounting's requests expect. An empty
 * field means "no limit" (null), which also clears a limit when editing.
 */
const blankToNull = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? null : value);

export const optionalPositiveInteger = z.preprocess(
  (value) => {
    const cleared = blankToNull(value);
    return typeof cleared === 'string' ? Number(cleared) : cleared;
  },
  z.number({ error: 'Enter a whole number.' }).int('Enter a whole number.').positive('Must be more than 0.').max(2_000_000_000).nullable(),
);

export const optionalMoney = z.preprocess(
  (value) => {
    const cleared = blankToNull(value);
    return typeof cleared === 'string' ? Number(cleared.replace(/^\$/, '')) : cleared;
  },
  z.number({ error: 'Enter an amount in USD.' }).nonnegative('Cannot be negative.').finite().max(1e9).nullable(),
);

/** Comma-separated (Mantine's TagsInput posts one comma-joined value) or repeated fields. */
export const modelList = z.preprocess((value) => {
  const parts = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
  return [...new Set(parts.map((part) => String(part).trim()).filter(Boolean))];
}, z.array(z.string().min(1).max(256)).max(500));

/** A date (YYYY-MM-DD) the key stops working at the end of (UTC); empty means never. */
export const optionalExpiry = z.preprocess(
  (value) => blankToNull(value),
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'Enter a date as YYYY-MM-DD.')
    .transform((day, context) => {
      const end = new Date(`${day}T23:59:59.999Z`);
      if (Number.isNaN(end.getTime())) {
        context.addIssue({ code: 'custom', message: 'Not a date.' });
        return z.NEVER;
      }
      return end.toISOString();
    })
    .nullable(),
);

export const optionalUuid = z.preprocess((value) => blankToNull(value), z.uuid('Pick one from the list.').nullable());

export const name = z.string({ error: 'Enter a name.' }).trim().min(1, 'Enter a name.').max(200, 'At most 200 characters.');
