import type { OpenAIError } from '@corral/openai';
import { HttpError, kindOfStatus } from './http-error.ts';

/** A translation failure from @corral/openai as the edge's one error value. */
export function fromOpenAIError(error: OpenAIError): HttpError {
  return new HttpError(error.status, kindOfStatus(error.status), error.message, {
    ...(error.code ? { code: error.code } : {}),
    ...(error.param ? { param: error.param } : {}),
  });
}
