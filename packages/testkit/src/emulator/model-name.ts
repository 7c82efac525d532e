const defaultHost = 'registry.ollama.ai';
const defaultNamespace = 'library';

const part = '[a-zA-Z0-9][a-zA-Z0-9_.-]*';
const validName = new RegExp(`^(?:${part}(?::\\d+)?/)?(?:${part}/)?${part}(?::[a-zA-Z0-9_][a-zA-Z0-9_.-]*)?$`);

export interface ModelName {
  /** Shortest display name with tag: `llama3.2:latest`, `user/model:tag`. */
  display: string;
  /** Fully qualified, as capability errors print it: `registry.ollama.ai/library/llama3.2:latest`. */
  full: string;
  /** Lower-cased display name: Ollama matches names case-insensitively. */
  key: string;
}

/** Parses a request's model string; undefined when Ollama would call it an invalid name. */
export function parseModelName(text: string): ModelName | undefined {
  if (!validName.test(text)) return undefined;
  let rest = text;
  if (rest.startsWith(`${defaultHost}/`)) rest = rest.slice(defaultHost.length + 1);
  if (rest.startsWith(`${defaultNamespace}/`)) rest = rest.slice(defaultNamespace.length + 1);
  const lastSlash = rest.lastIndexOf('/');
  const hasTag = rest.slice(lastSlash + 1).includes(':');
  const display = hasTag ? rest : `${rest}:latest`;
  const slashes = display.split('/').length - 1;
  const full =
    slashes === 0
      ? `${defaultHost}/${defaultNamespace}/${display}`
      : slashes === 1
        ? `${defaultHost}/${display}`
        : display;
  return { display, full, key: display.toLowerCase() };
}
