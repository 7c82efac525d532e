import type { Options } from '@corral/ollama';

/**
 * The job for choice `index` of an n>1 request. With a fixed seed every job would produce the
 * same text, so each choice gets its own seed (seed + index): reproducible yet distinct.
 */
export function nativeForChoice<Native extends { options?: Options }>(native: Native, index: number): Native {
  const seed = native.options?.seed;
  if (index === 0 || typeof seed !== 'number') return native;
  return { ...native, options: { ...native.options, seed: seed + index } };
}
