import type { UsageEvent } from '../accounting/usage.ts';
import { PROTOCOL_VERSION } from '../version.ts';

/** A valid usage event of one streamed chat completion, every optional metric set; overrides change any field. */
export function usageEvent(requestId: string, overrides: Partial<UsageEvent> = {}): UsageEvent {
  return {
    v: PROTOCOL_VERSION,
    requestId,
    keyId: null,
    alias: 'fast',
    model: 'llama3.2:3b',
    endpoint: '/v1/chat/completions',
    stream: true,
    status: 'ok',
    httpStatus: 200,
    promptTokens: 10,
    completionTokens: 20,
    ttftMs: 12.5,
    durationMs: 250,
    loadDurationNs: 1_000_000,
    promptEvalDurationNs: 2_000_000,
    evalDurationNs: 3_000_000,
    workerId: 'worker-1',
    startedAt: '2025-03-01T10:15:00.000Z',
    finishedAt: '2025-03-01T10:15:00.250Z',
    ...overrides,
  };
}
