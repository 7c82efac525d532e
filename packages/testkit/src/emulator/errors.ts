/** An error that Ollama reports as `{"error": message}` with an HTTP status. */
export class OllamaError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'OllamaError';
  }
}

/** The client went away; Ollama answers 499 `request canceled` (rarely seen by anyone). */
export class RequestCancelled extends OllamaError {
  constructor() {
    super(499, 'request canceled');
    this.name = 'RequestCancelled';
  }
}

export const ErrorText = {
  missingBody: 'missing request body',
  modelRequired: 'model is required',
  invalidModelName: 'invalid model name',
  queueFull: 'server busy, please try again.  maximum pending requests exceeded',
  topLogprobsRange: 'top_logprobs must be between 0 and 20',
  runnerFailure: 'an error was encountered while running the model',
  invalidInputType: 'invalid input type',
  rawMode: 'raw mode does not support template, system, or context',
  inputTooLong: 'the input length exceeds the context length',
} as const;

export function notFound(name: string): OllamaError {
  return new OllamaError(404, `model '${name}' not found`);
}

/** The scheduler's `%q` flavour, used by the embedding endpoints. */
export function notFoundTryPulling(name: string): OllamaError {
  return new OllamaError(404, `model ${JSON.stringify(name)} not found, try pulling it first`);
}
