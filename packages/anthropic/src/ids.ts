import { randomBytes } from 'node:crypto';

/** `msg_` + 24 hex characters, unguessable (the form Anthropic's compatible servers use). */
export function createMessageId(): string {
  return `msg_${randomBytes(12).toString('hex')}`;
}

/** `toolu_…` for a tool call Ollama gave no id. */
export function createToolUseId(): string {
  return `toolu_${randomBytes(12).toString('hex')}`;
}
