import { failure, ok, type OpenAIError, type Result } from '../errors.ts';

/**
 * Deep inside a conversion, the first client mistake ends the translation. It travels as this
 * exception only within the package; public functions return a `Result`.
 */
export class TranslationFailure extends Error {
  readonly error: OpenAIError;
  constructor(error: OpenAIError) {
    super(error.message);
    this.error = error;
  }
}

export function fail(error: OpenAIError): never {
  throw new TranslationFailure(error);
}

export function attempt<T>(run: () => T): Result<T> {
  try {
    return ok(run());
  } catch (caught) {
    if (caught instanceof TranslationFailure) return failure(caught.error);
    throw caught;
  }
}
