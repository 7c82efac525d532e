import { startStack, type Stack, type StackOptions } from '@corral/testkit';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { createWireRecorder, type WireRecorder } from './chat-wire.ts';

export interface WiredStack {
  readonly stack: Stack;
  /** The official SDK, through a fetch that checks every body and chunk against OpenAI's schema. */
  readonly client: OpenAI;
  readonly wire: WireRecorder;
}

/**
 * One stack for the enclosing describe block, and an openai client whose traffic is recorded:
 * after every test, any answer that broke OpenAI's schema fails it.
 */
export function useWiredStack(options: StackOptions): WiredStack {
  const wire = createWireRecorder();
  let stack: Stack | undefined;
  let client: OpenAI | undefined;
  beforeAll(async () => {
    stack = await startStack(options);
    client = new OpenAI({ baseURL: `${stack.edgeUrl}/v1`, apiKey: 'test', maxRetries: 0, fetch: wire.fetch });
  });
  afterAll(async () => stack?.close());
  afterEach(async () => {
    const report = await wire.settle();
    expect(report.violations).toEqual([]);
  });
  return {
    get stack() {
      return stack!;
    },
    get client() {
      return client!;
    },
    wire,
  };
}
