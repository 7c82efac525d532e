import type { ServerResponse } from 'node:http';
import type { ChatChunk, GenerateChunk } from '@corral/ollama';
import type { OllamaError } from '../errors.ts';
import { ContentType, waitForDrain, writeJson } from '../http-io.ts';
import type { NativeSink } from '../sink.ts';
import { unixSeconds } from '../time-format.ts';
import { writeOpenAiError } from './errors.ts';
import {
  completionId,
  finishReason,
  SSE_DONE,
  sseFrame,
  SYSTEM_FINGERPRINT,
  toOpenAiLogprobs,
  toOpenAiToolCalls,
  usageOf,
} from './wire.ts';

type Delta = Record<string, unknown>;

/**
 * Ollama's ChatWriter at HEAD: rewrites each native chat chunk into chat.completion(.chunk) objects.
 * Streaming: role on the first chunk only, one shared `created`, thinking+content split, a separate
 * finish chunk with `delta:{}`, an optional usage chunk, `[DONE]`.
 */
export class ChatCompletionSink implements NativeSink {
  started = false;
  private readonly id = completionId('chatcmpl');
  private created: number | undefined;
  private roleSent = false;
  private toolCallsSent = false;

  constructor(
    private readonly response: ServerResponse,
    readonly signal: AbortSignal,
    private readonly model: string,
    private readonly includeUsage: boolean,
  ) {}

  fail(error: OllamaError): void {
    writeOpenAiError(this.response, error);
  }

  /** The non-streaming answer (ToChatCompletion). */
  json(body: ChatChunk | GenerateChunk): void {
    const chunk = body as ChatChunk;
    const message: Delta = { role: 'assistant', content: chunk.message.content };
    if (chunk.message.thinking) message.reasoning = chunk.message.thinking;
    const toolCalls = chunk.message.tool_calls ?? [];
    if (toolCalls.length > 0) message.tool_calls = toOpenAiToolCalls(toolCalls);
    const choice: Delta = {
      index: 0,
      message,
      finish_reason: chunk.done_reason ? finishReason(chunk.done_reason, toolCalls.length > 0) : null,
    };
    const logprobs = toOpenAiLogprobs(chunk.logprobs);
    if (logprobs) choice.logprobs = logprobs;
    writeJson(
      this.response,
      200,
      {
        id: this.id,
        object: 'chat.completion',
        created: unixSeconds(chunk.created_at),
        model: this.model,
        system_fingerprint: SYSTEM_FINGERPRINT,
        choices: [choice],
        usage: usageOf(chunk.prompt_eval_count, chunk.eval_count),
      },
      'application/json',
    );
  }

  chunk(body: ChatChunk | GenerateChunk): boolean {
    const chunk = body as ChatChunk;
    if (!this.started) {
      this.started = true;
      this.created = unixSeconds(chunk.created_at);
      this.response.writeHead(200, { 'Content-Type': ContentType.eventStream });
    }
    let frames = '';
    const message = chunk.message;
    const toolCalls = message.tool_calls ?? [];
    const trailer =
      chunk.done && !message.content && !message.thinking && toolCalls.length === 0 && !chunk.logprobs?.length;
    if (!trailer || !this.roleSent) {
      if (message.thinking && (message.content || toolCalls.length > 0)) {
        frames += this.deltaFrame({ reasoning: message.thinking }, chunk.logprobs);
        frames += this.deltaFrame(this.contentDelta(message.content, toolCalls), undefined);
      } else {
        const delta = this.contentDelta(message.content, toolCalls);
        if (message.thinking) delta.reasoning = message.thinking;
        frames += this.deltaFrame(delta, chunk.logprobs);
      }
    }
    if (chunk.done) {
      frames += this.frame([{ index: 0, delta: {}, finish_reason: finishReason(chunk.done_reason, this.toolCallsSent) }]);
      if (this.includeUsage) {
        frames += sseFrame({ ...this.envelope([]), usage: usageOf(chunk.prompt_eval_count, chunk.eval_count) });
      }
      frames += SSE_DONE;
    }
    return this.response.write(frames);
  }

  drain(): Promise<void> {
    return waitForDrain(this.response);
  }

  /** A native in-band error decodes as an empty response: one chunk with model "" and no terminator. */
  streamError(): void {
    const delta = this.withRole({ content: '' });
    this.response.end(
      sseFrame({ ...this.envelope([{ index: 0, delta, finish_reason: null }]), model: '' }),
    );
  }

  end(): void {
    this.response.end();
  }

  private contentDelta(content: string, toolCalls: NonNullable<ChatChunk['message']['tool_calls']>): Delta {
    const delta: Delta = { content };
    if (toolCalls.length > 0) {
      delta.tool_calls = toOpenAiToolCalls(toolCalls);
      this.toolCallsSent = true;
    }
    return delta;
  }

  private withRole(delta: Delta): Delta {
    if (this.roleSent) return delta;
    this.roleSent = true;
    return { role: 'assistant', ...delta };
  }

  private deltaFrame(delta: Delta, logprobs: ChatChunk['logprobs']): string {
    const choice: Delta = { index: 0, delta: this.withRole(delta), finish_reason: null };
    const converted = toOpenAiLogprobs(logprobs);
    if (converted) choice.logprobs = converted;
    return this.frame([choice]);
  }

  private frame(choices: Delta[]): string {
    return sseFrame(this.envelope(choices));
  }

  private envelope(choices: Delta[]): Delta {
    return {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created ?? Math.floor(Date.now() / 1000),
      model: this.model,
      system_fingerprint: SYSTEM_FINGERPRINT,
      choices,
    };
  }
}
