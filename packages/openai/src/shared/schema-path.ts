import type { z } from 'zod';

type Schema = z.core.$ZodType;

/** Wrappers whose inner schema describes the same value. */
const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'nonoptional', 'readonly', 'catch']);

/**
 * How many leading segments of `path` the request schema itself describes: `tools[0].function.parameters.a.a`
 * → 4, since `parameters` is free-form. The rest of the path is the caller's own data (a JSON
 * schema, an unknown key, a value of the wrong type), so an error about it names the parameter
 * that holds it.
 */
export function describedLength(schema: Schema, path: readonly PropertyKey[], index = 0): number {
  if (index >= path.length) return 0;
  const def = schema._zod.def;
  if (WRAPPERS.has(def.type)) return describedLength((def as unknown as { innerType: Schema }).innerType, path, index);
  switch (def.type) {
    case 'pipe': {
      const pipe = def as z.core.$ZodPipeDef;
      return Math.max(describedLength(pipe.in, path, index), describedLength(pipe.out, path, index));
    }
    case 'union':
      return Math.max(0, ...(def as z.core.$ZodUnionDef).options.map((option) => describedLength(option, path, index)));
    case 'lazy':
      return describedLength((def as z.core.$ZodLazyDef).getter(), path, index);
    case 'object': {
      const key = path[index];
      const shape = (def as z.core.$ZodObjectDef).shape;
      if (typeof key !== 'string' || !Object.hasOwn(shape, key)) return 0;
      return 1 + describedLength(shape[key]!, path, index + 1);
    }
    case 'array':
      return typeof path[index] === 'number' ? 1 + describedLength((def as z.core.$ZodArrayDef).element, path, index + 1) : 0;
    case 'record':
      // A record's keys are the caller's own names: the record is the parameter.
      return 0;
    default:
      return 0;
  }
}
