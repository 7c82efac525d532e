import { z } from 'zod';
import { Timestamp, version } from './common.ts';

/**
 * A stored response's id. Corral issues short visible-ASCII ids (`resp_…`), so anything else can
 * never name a stored response: control characters (Postgres refuses a NUL in text), spaces,
 * non-ASCII, or an id longer than any issued. Every side checks the same rule, so such an id is
 * refused as a bad request before it reaches the database.
 */
export const ResponseId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\x21-\x7e]+$/, 'is not a response id (visible ASCII only)');
export type ResponseId = z.infer<typeof ResponseId>;

const id = ResponseId;

/** A stored /v1/responses result, so a later request can continue from it (`previous_response_id`). */
export const StoredResponse = z.object({
  id,
  /** Owner; only this key may read it back. Null when the edge runs without keys. */
  keyId: z.uuid().nullable(),
  model: z.string().min(1),
  /** The native Ollama messages that led to the output. */
  messages: z.array(z.record(z.string(), z.unknown())),
  output: z.unknown(),
  /**
   * The request's own input as OpenAI items with ids, for GET /v1/responses/{id}/input_items.
   * Optional: rows stored before it existed, and older edges, have none (an empty list).
   */
  inputItems: z.array(z.record(z.string(), z.unknown())).optional(),
  createdAt: Timestamp,
});
export type StoredResponse = z.infer<typeof StoredResponse>;

export const ResponsePutRequest = z.object({ ...version, ...StoredResponse.shape });
export type ResponsePutRequest = z.infer<typeof ResponsePutRequest>;

export const ResponsePutResult = z.object({ stored: z.boolean() });
export type ResponsePutResult = z.infer<typeof ResponsePutResult>;

export const ResponseGetRequest = z.object({ ...version, id, keyId: z.uuid().nullable() });
export type ResponseGetRequest = z.infer<typeof ResponseGetRequest>;

/** Null when the response does not exist or belongs to another key (indistinguishable on purpose). */
export const ResponseGetResult = StoredResponse.nullable();
export type ResponseGetResult = z.infer<typeof ResponseGetResult>;

export const ResponseDeleteRequest = z.object({ ...version, id, keyId: z.uuid().nullable() });
export type ResponseDeleteRequest = z.infer<typeof ResponseDeleteRequest>;

/** False when the response does not exist or belongs to another key (indistinguishable on purpose). */
export const ResponseDeleteResult = z.object({ deleted: z.boolean() });
export type ResponseDeleteResult = z.infer<typeof ResponseDeleteResult>;
