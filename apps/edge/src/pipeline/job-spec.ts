import type { JobKind } from '@corral/protocol';
import type { JobSpec } from '../jobs/dispatcher.ts';
import type { Exchange, ModelTarget } from './exchange.ts';

/**
 * The dispatcher job for part `index` of a request (a choice, a prompt, a slice of embedding
 * inputs). Every part needs its own request id: workers cancel by it.
 */
export function jobSpec(exchange: Exchange, target: ModelTarget, kind: JobKind, body: object, index = 0): JobSpec {
  const requestId = exchange.scope.requestId;
  return {
    requestId: index === 0 ? requestId : `${requestId}_${index}`,
    kind,
    model: target.model,
    body: body as Record<string, unknown>,
    ...(exchange.keyId ? { keyId: exchange.keyId } : {}),
    ...(target.requestTimeoutMs ? { deadline: Date.now() + target.requestTimeoutMs } : {}),
    ...(exchange.traceparent ? { traceparent: exchange.traceparent } : {}),
    ...(exchange.lane === 'batch' ? { lane: 'batch' as const } : {}),
  };
}
