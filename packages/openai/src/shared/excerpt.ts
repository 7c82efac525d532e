import { excerpt } from '@corral/ollama';

// excerpt lives in @corral/ollama, shared by every dialect; re-exported for this package's modules.
export { excerpt } from '@corral/ollama';

/**
 * A caller's value named in a validation message: scalars quoted as JSON (strings cut), objects and
 * arrays only by kind, so no size or depth of input makes the message large or its rendering recurse.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(excerpt(value));
  return String(value);
}
