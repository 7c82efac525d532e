import type { GenerateChunk } from '@corral/ollama';
import {
  completionsToNative,
  completionUsageChunk,
  createCompletionAggregator,
  createCompletionId,
  createCompletionStreamTranslator,
  parseCompletionRequest,
  type CompletionRequest,
  type JobUsage,
} from '@corral/openai';
import type { EdgeContext } from '../../context.ts';
import type { Dialect, Generation } from '../../pipeline/dialect.ts';
import type { ModelTarget } from '../../pipeline/exchange.ts';
import { openAIErrorBody, refuse, unwrap } from './errors.ts';
import { fanOutBytesRefusal, fanOutLimits, jobCountRefusal, promptCount } from './fan-out-limits.ts';
import { OPENAI_DATA_STREAM } from './framing.ts';
import { nativeContext } from './native-context.ts';
import { choiceEventStream } from './choice-stream.ts';

/** POST /v1/completions: one generate job per prompt and sample, merged back into OpenAI's choice order. */
export function completionsDialect(context: EdgeContext): Dialect<CompletionRequest, GenerateChunk> {
  const limits = fanOutLimits(context.config);
  return {
    framing: OPENAI_DATA_STREAM,
    renderError: openAIErrorBody,
    parse: (body) => unwrap(parseCompletionRequest(body)),
    describe: (completion) => ({ model: completion.model, stream: completion.stream === true }),
    admit: (completion) => refuse(jobCountRefusal({ prompts: promptCount(completion.prompt), samples: completion.n ?? 1 }, limits)),
    plan(completion: CompletionRequest, target: ModelTarget): Generation<GenerateChunk> {
      const translation = unwrap(completionsToNative(completion, nativeContext(target)));
      // Fan-out position p runs jobs[p]; its choice index is OpenAI's (prompt × n + sample).
      const jobs = translation.jobs;
      const jobBytes = jobs.reduce((total, job) => total + job.prompt.length + (job.native.suffix?.length ?? 0), 0);
      refuse(fanOutBytesRefusal(jobBytes, completion.n ?? 1, limits));
      const nativeJobs = jobs.map((job) => ({ kind: 'generate' as const, body: job.native }));

      const identity = { id: createCompletionId(), model: completion.model, created: Math.floor(Date.now() / 1000) };
      if (!translation.stream) {
        const aggregator = createCompletionAggregator({ ...identity, echo: translation.echo, logprobs: translation.logprobs }, jobs);
        return {
          jobs: nativeJobs,
          answer: {
            stream: false,
            aggregate: {
              push: (position, chunk) => aggregator.push(jobs[position]!.choiceIndex, chunk),
              finish: (position, chunk) => aggregator.finish(jobs[position]!.choiceIndex, chunk),
              result: () => aggregator.result(),
            },
          },
        };
      }

      // With several jobs, usage comes once, per prompt, in a chunk of its own after them all.
      const usageApart = translation.includeUsage && jobs.length > 1;
      const translators = jobs.map((job) =>
        createCompletionStreamTranslator({
          ...identity,
          choiceIndex: job.choiceIndex,
          includeUsage: translation.includeUsage && !usageApart,
          logprobs: translation.logprobs,
          ...(translation.echo ? { echoPrompt: job.prompt } : {}),
        }),
      );
      const usages: JobUsage[] = [];
      const events = choiceEventStream(
        translators,
        (position, usage) => usages.push({ promptIndex: jobs[position]!.promptIndex, usage }),
        () => (usageApart ? [completionUsageChunk(identity, usages)] : []),
      );
      return { jobs: nativeJobs, answer: { stream: true, events } };
    },
  };
}
