/** Ollama's short display name: a name without a tag means `:latest` (`llama3.2` → `llama3.2:latest`). */
export function normalizeModelName(name: string): string {
  const lastSlash = name.lastIndexOf('/');
  const tail = name.slice(lastSlash + 1);
  return tail.includes(':') ? name : `${name}:latest`;
}

/** The namespace OpenAI's `owned_by` shows: `library` unless the name is `user/model`. */
export function modelOwner(name: string): string {
  const parts = name.split('/');
  return parts.length >= 2 ? (parts[parts.length - 2] as string) : 'library';
}
