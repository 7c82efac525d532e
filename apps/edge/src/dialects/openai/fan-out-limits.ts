import { invalidRequest, type OpenAIError } from '@corral/openai';

export interface FanOutLimits {
  /** Most jobs one request may become (prompts × n). */
  maxJobs: number;
  /** Most bytes the jobs of one request may carry to workers together. */
  maxBytes: number;
}

export interface FanOutShape {
  /** Prompts of a /v1/completions request (1 for chat). */
  prompts: number;
  /** `n`: samples per prompt. */
  samples: number;
}

/**
 * A request asking for more jobs than one request may run: 400 naming what to shrink (`prompt`
 * when the prompts alone are too many, else `n`). Checked before any job is built, so 2,000
 * prompts × n=128 in a 16 KB body costs nothing.
 */
export function jobCountRefusal(shape: FanOutShape, limits: FanOutLimits): OpenAIError | undefined {
  const jobs = shape.prompts * shape.samples;
  if (jobs <= limits.maxJobs) return undefined;
  const param = shape.prompts > limits.maxJobs ? 'prompt' : 'n';
  const asked = shape.prompts === 1 ? `n=${shape.samples} choices` : `${shape.prompts} prompts × n=${shape.samples} = ${jobs} completions`;
  return invalidRequest(`This request asks for ${asked}; this server runs at most ${limits.maxJobs} per request. Send fewer prompts or a smaller 'n', over several requests.`, param, 'too_many_choices');
}

/**
 * Every choice carries its own copy of the request to a worker, so `n` multiplies the bytes sent:
 * together the copies may carry no more than one request body of the largest size accepted.
 * Past that, `n` is what to lower.
 */
export function fanOutBytesRefusal(totalBytes: number, samples: number, limits: FanOutLimits): OpenAIError | undefined {
  if (samples <= 1 || totalBytes <= limits.maxBytes) return undefined;
  const megabytes = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  return invalidRequest(
    `With n=${samples} this request would send ${megabytes(totalBytes)} to workers (one copy of the conversation per choice); at most ${megabytes(limits.maxBytes)} are sent per request. Lower 'n' or shorten the request.`,
    'n',
    'too_many_choices',
  );
}

/** The limits as configured: MAX_JOBS_PER_REQUEST, and the body limit as the byte budget. */
export function fanOutLimits(config: { MAX_JOBS_PER_REQUEST: number; BODY_LIMIT_BYTES: number }): FanOutLimits {
  return { maxJobs: config.MAX_JOBS_PER_REQUEST, maxBytes: config.BODY_LIMIT_BYTES };
}

/** Prompts in a /v1/completions `prompt`: one text (or one list of token ids), or a list of them. */
export function promptCount(prompt: string | readonly unknown[]): number {
  return typeof prompt === 'string' || typeof prompt[0] === 'number' ? 1 : prompt.length;
}
