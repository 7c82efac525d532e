/**
 * How deeply a request body may nest objects and arrays (the body itself is level 1). Real
 * requests stay far below it (OpenAI's structured outputs allow 10 levels of schema nesting, about
 * 25 JSON levels); far above it, recursive code on the request's path (validation messages,
 * `JSON.stringify` when a job is sent to a worker, Ollama's own decoder) runs out of stack.
 */
export const MAX_NESTING_DEPTH = 128;

interface Frame {
  value: object;
  depth: number;
  key: PropertyKey;
  parent: Frame | undefined;
}

function pathOf(frame: Frame): PropertyKey[] {
  const path: PropertyKey[] = [];
  for (let current: Frame | undefined = frame; current?.parent !== undefined; current = current.parent) path.push(current.key);
  return path.reverse();
}

/**
 * The path of the first object or array nested deeper than `maxDepth`, or undefined when the
 * value stays within it. Walks with its own stack, so no depth of input can overflow it.
 */
export function findExcessiveNesting(value: unknown, maxDepth: number = MAX_NESTING_DEPTH): PropertyKey[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const stack: Frame[] = [{ value, depth: 1, key: '', parent: undefined }];
  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    if (frame.depth > maxDepth) return pathOf(frame);
    const entries: Iterable<[PropertyKey, unknown]> = Array.isArray(frame.value) ? frame.value.entries() : Object.entries(frame.value);
    for (const [key, child] of entries) {
      if (typeof child === 'object' && child !== null) stack.push({ value: child, depth: frame.depth + 1, key, parent: frame });
    }
  }
  return undefined;
}
