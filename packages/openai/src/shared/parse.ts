import type { z } from 'zod';
import { failure, invalidRequest, ok, type OpenAIError, type Result } from '../errors.ts';
import { formatParameterPath, openAIErrorFromZod } from '../zod-error.ts';
import { findExcessiveNesting, MAX_NESTING_DEPTH } from '@corral/ollama';
import { describedLength } from './schema-path.ts';

/**
 * OpenAI treats an explicit top-level `null` as "not given" (SDKs and proxies send them);
 * dropping them first keeps the parsed types free of nulls.
 */
export function withoutTopLevelNulls(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== null));
}

/** A parameter that would change the meaning of the request and that Corral cannot honour. */
export interface RefusedParameter {
  param: string;
  /** Whether this value must be refused (absent values never reach this check). */
  refuse: (value: unknown) => boolean;
  reason: string;
}

export function checkRefusedParameters(body: Record<string, unknown>, refused: readonly RefusedParameter[]): OpenAIError | undefined {
  for (const rule of refused) {
    const value = body[rule.param];
    if (value !== undefined && value !== null && rule.refuse(value)) {
      return invalidRequest(`Unsupported parameter: '${rule.param}' ${rule.reason}`, rule.param, 'unsupported_parameter');
    }
  }
  return undefined;
}

/**
 * A body nested deeper than MAX_NESTING_DEPTH, refused before anything walks it recursively. The
 * error names the parameter holding the deep value (`tools[0].function.parameters`), not the
 * hundred-segment path inside it.
 */
function excessiveNesting(schema: z.ZodType, body: unknown): OpenAIError | undefined {
  const path = findExcessiveNesting(body, MAX_NESTING_DEPTH);
  if (path === undefined) return undefined;
  const param = formatParameterPath(path.slice(0, Math.max(1, describedLength(schema, path))));
  return invalidRequest(
    `Invalid value for '${param}': objects and arrays are nested too deeply (the request may nest at most ${MAX_NESTING_DEPTH} levels).`,
    param,
    'invalid_value',
  );
}

/**
 * Validates a request body: its nesting depth first (so that no value is walked recursively before
 * it is known to be bounded), then refused parameters, then the schema.
 */
export function parseBody<Schema extends z.ZodType>(
  schema: Schema,
  body: unknown,
  refused: readonly RefusedParameter[] = [],
): Result<z.output<Schema>> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return failure(invalidRequest('The request body must be a JSON object.'));
  }
  const tooDeep = excessiveNesting(schema, body);
  if (tooDeep !== undefined) return failure(tooDeep);
  const cleaned = withoutTopLevelNulls(body) as Record<string, unknown>;
  const refusal = checkRefusedParameters(cleaned, refused);
  if (refusal !== undefined) return failure(refusal);
  const parsed = schema.safeParse(cleaned, { reportInput: true });
  if (!parsed.success) return failure(openAIErrorFromZod(parsed.error));
  return ok(parsed.data);
}

export const always = (): boolean => true;
