'use server';

import { revalidatePath } from 'next/cache';
import { callAccounting } from '@corral/bus';
import { z } from 'zod';
import { optionalMoney, optionalPositiveInteger } from '@/lib/form-fields.ts';
import { mutation } from '@/lib/mutation.ts';

const ModelName = z.string().trim().min(1, 'Enter a model name.').max(256);

const AliasFields = z.object({
  alias: ModelName,
  target: ModelName,
  options: z.preprocess(
    (value) => (typeof value === 'string' && value.trim() !== '' ? value : '{}'),
    z.string().transform((text, context) => {
      try {
        const parsed: unknown = JSON.parse(text);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
      } catch {
        // reported below
      }
      context.addIssue({ code: 'custom', message: 'Options must be a JSON object, e.g. {"num_ctx": 8192}.' });
      return z.NEVER;
    }),
  ),
  think: z.preprocess((value) => (value === '' || value === undefined ? null : value === 'true' ? true : value === 'false' ? false : value), z.union([z.boolean(), z.enum(['low', 'medium', 'high'])]).nullable()),
  keepAlive: z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? null : value), z.string().trim().max(32).nullable()),
  requestTimeoutMs: optionalPositiveInteger,
  inputPricePerMTok: optionalMoney,
  outputPricePerMTok: optionalMoney,
  visible: z.preprocess((value) => value === 'on' || value === 'true', z.boolean()),
  excludeReasoning: z.preprocess((value) => value === 'on' || value === 'true', z.boolean()),
});

/** Creates or replaces an alias (every setting is sent: accounting replaces the whole alias). */
export const setAlias = mutation(AliasFields, async (alias, { bus }) => {
  const keepAlive = alias.keepAlive !== null && /^\d+$/.test(alias.keepAlive) ? Number(alias.keepAlive) : alias.keepAlive;
  const saved = await callAccounting(bus, 'models.set', { ...alias, keepAlive });
  revalidatePath('/models');
  return { alias: saved.alias };
});

export const deleteAlias = mutation(z.object({ alias: ModelName }), async ({ alias }, { bus }) => {
  const result = await callAccounting(bus, 'models.delete', { alias });
  revalidatePath('/models');
  return result;
});
