import type { GenerateChunk } from '@corral/ollama';
import {
  completionsToNative,
  completionUsageChunk,
  createCompletionAggregator,
  createCompletionId,
  createCompletionStreamTranslator,
  parseCompletionRequest,
  sseData,
  sseFrames,
  SSE_DONE,
  type CompletionStreamTranslator,
  type JobUsage,
} from '@corral/openai';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EdgeContext } from '../../context.ts';
import { fromOpenAIError } from '../../http/openai-error.ts';
import { SseWriter } from '../../http/sse-writer.ts';
import { beginRequest } from '../../pipeline/exchange.ts';
import { forEachChoiceEvent, isGenerateTokenChunk, streamChoices } from '../../pipeline/choice-events.ts';
import { FanOut } from '../../pipeline/fan-out.ts';
import { fanOutBytesRefusal, fanOutLimits, jobCountRefusal, promptCount } from '../../pipeline/fan-out-limits.ts';
import { jobSpec } from '../../pipeline/job-spec.ts';

const ENDPOINT = '/v1/completions';

export function registerCompletionsRoute(app: FastifyInstance, context: EdgeContext): void {
  app.post(ENDPOINT, (request, reply) => handleCompletion(context, request, reply));
}

/** POST /v1/completions: one generate job per prompt and sample, merged back into OpenAI's choice order. */
async function handleCompletion(context: EdgeContext, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const exchange = beginRequest(context, request, reply, ENDPOINT);
  const signal = exchange.clientGone;
  try {
    exchange.authenticate();
    const parsed = parseCompletionRequest(request.body);
    if (!parsed.ok) throw fromOpenAIError(parsed.error);
    const completion = parsed.value;
    const limits = fanOutLimits(context.config);
    const samples = completion.n ?? 1;
    const tooManyJobs = jobCountRefusal({ prompts: promptCount(completion.prompt), samples }, limits);
    if (tooManyJobs) throw fromOpenAIError(tooManyJobs);
    const target = exchange.resolveModel(completion.model);
    exchange.scope.stream = completion.stream === true;

    const translated = completionsToNative(completion, { model: target.model, ...(target.overrides ? { overrides: target.overrides } : {}) });
    if (!translated.ok) throw fromOpenAIError(translated.error);
    const translation = translated.value;
    // Fan-out position p runs jobs[p]; its choice index is OpenAI's (prompt × n + sample).
    const jobs = translation.jobs;
    const jobBytes = jobs.reduce((total, job) => total + job.prompt.length + (job.native.suffix?.length ?? 0), 0);
    const tooLarge = fanOutBytesRefusal(jobBytes, samples, limits);
    if (tooLarge) throw fromOpenAIError(tooLarge);

    const fanOut = new FanOut(
      context.dispatcher,
      jobs.map((job, position) => jobSpec(exchange, target, 'generate', job.native, position)),
    );
    if (signal.aborted) fanOut.cancel('client disconnected');
    else signal.addEventListener('abort', () => fanOut.cancel('client disconnected'), { once: true });

    const identity = { id: createCompletionId(), model: completion.model, created: Math.floor(Date.now() / 1000) };

    if (!translation.stream) {
      const aggregator = createCompletionAggregator({ ...identity, echo: translation.echo, logprobs: translation.logprobs }, jobs);
      await forEachChoiceEvent<GenerateChunk>(exchange, fanOut, isGenerateTokenChunk, (position, chunk, final) => {
        const choiceIndex = jobs[position]!.choiceIndex;
        if (final) aggregator.finish(choiceIndex, chunk);
        else aggregator.push(choiceIndex, chunk);
      });
      exchange.scope.markFirstToken();
      exchange.succeed(200);
      return reply.type('application/json; charset=utf-8').send(aggregator.result());
    }

    const singleJob = jobs.length === 1;
    const translators: CompletionStreamTranslator[] = jobs.map((job) =>
      createCompletionStreamTranslator({
        ...identity,
        choiceIndex: job.choiceIndex,
        includeUsage: translation.includeUsage && singleJob,
        logprobs: translation.logprobs,
        ...(translation.echo ? { echoPrompt: job.prompt } : {}),
      }),
    );
    const writer = new SseWriter(reply.raw, { 'x-request-id': exchange.scope.requestId }, () => reply.hijack());
    const usages: JobUsage[] = [];
    try {
      await streamChoices(exchange, fanOut, isGenerateTokenChunk, translators, (chunks) => writer.write(sseFrames(chunks)), (position) => {
        const usage = translators[position]!.usage();
        if (usage) usages.push({ promptIndex: jobs[position]!.promptIndex, usage });
      });
    } catch (error) {
      return exchange.failStream(reply, writer, error);
    }
    if (translation.includeUsage && !singleJob) writer.write(sseData(completionUsageChunk(identity, usages)));
    writer.end(SSE_DONE);
    exchange.succeed(200);
    return reply;
  } catch (error) {
    return exchange.conclude(reply, error);
  }
}
