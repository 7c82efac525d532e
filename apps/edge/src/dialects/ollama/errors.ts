import { excerpt, findExcessiveNesting, MAX_NESTING_DEPTH, parseNativeRequest, type NativeParse } from '@corral/ollama';
import { formatParameterPath } from '@corral/openai';
import type { z } from 'zod';
import { FailureKind, HttpError } from '../../errors/http-error.ts';

/** Ollama's error envelope: `{"error": "…"}`, what ollama-js and Open WebUI read. */
export interface OllamaErrorBody {
  error: string;
}

/**
 * The edge's error in Ollama's words. A model that does not exist — or that the key may not use,
 * which looks the same — is Ollama's 404 naming the model as the caller sent it.
 */
export function ollamaErrorBody(error: HttpError, requestedModel?: string): OllamaErrorBody {
  if (error.kind === FailureKind.NotFound && error.extra.code === 'model_not_found' && requestedModel !== undefined) {
    return { error: `model "${excerpt(requestedModel)}" not found, try pulling it first` };
  }
  return { error: error.message };
}

/** A body sent without a JSON Content-Type, read as JSON as Ollama reads every body. */
function jsonOf(text: string): unknown {
  if (text.trim() === '') throw new HttpError(400, FailureKind.InvalidRequest, 'missing request body', { code: 'invalid_request' });
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HttpError(400, FailureKind.InvalidRequest, `the request body is not valid JSON: ${(error as Error).message}`, { code: 'invalid_json' });
  }
}

/** Segments of a too-deep value's path the message names (its parameter, not the hundred levels inside it). */
const NAMED_PATH_SEGMENTS = 3;

/**
 * Validates an Ollama body: its nesting depth first (so nothing walks an unbounded value
 * recursively), then the native schema. A refusal is Ollama's 400.
 */
export function parseOllamaBody<Schema extends z.ZodType>(schema: Schema, text: unknown): z.output<Schema> {
  const body = typeof text === 'string' ? jsonOf(text) : text;
  const tooDeep = findExcessiveNesting(body, MAX_NESTING_DEPTH);
  if (tooDeep !== undefined) {
    const param = formatParameterPath(tooDeep.slice(0, NAMED_PATH_SEGMENTS));
    throw new HttpError(400, FailureKind.InvalidRequest, `invalid value for "${param}": objects and arrays are nested too deeply (a request may nest at most ${MAX_NESTING_DEPTH} levels)`, {
      code: 'invalid_request',
      param,
    });
  }
  const parsed: NativeParse<z.output<Schema>> = parseNativeRequest(schema, body);
  if (!parsed.ok) throw new HttpError(400, FailureKind.InvalidRequest, parsed.message, { code: 'invalid_request' });
  return parsed.value;
}
