import { z } from 'zod';

/**
 * A property of a function's JSON schema as Ollama decodes it (`api.ToolProperty`): every field
 * Ollama reads must have the type it reads it as, or Ollama refuses the whole request. Other
 * JSON-schema keywords pass through untouched.
 */
const toolPropertySchema: z.ZodType<Record<string, unknown>> = z.lazy(() =>
  z
    .object({
      type: z.union([z.string(), z.array(z.string())]).nullish(),
      description: z.string().nullish(),
      enum: z.array(z.unknown()).nullish(),
      required: z.array(z.string()).nullish(),
      properties: z.record(z.string(), toolPropertySchema).nullish(),
      anyOf: z.array(toolPropertySchema).nullish(),
    })
    .loose(),
);

/** A function's parameters (`api.ToolFunctionParameters`): `type`, `required` and `properties` as Ollama reads them. */
export const functionParametersSchema = z
  .object({
    type: z.string().nullish(),
    required: z.array(z.string()).nullish(),
    properties: z.record(z.string(), toolPropertySchema).nullish(),
  })
  .loose();
