/**
 * Just enough SSE reading for timing a chat completion stream: when the first non-empty
 * `delta.content` arrives, and whether the stream ended with `[DONE]`. Both the emulator's OpenAI
 * layer and the edge write compact JSON, so a non-empty content is `"content":"` followed by
 * anything but the closing quote; a role-only first chunk (`"content":""`) does not count.
 */
export interface WireMarkers {
  /** What opens a content string (`"content":"`); followed by anything but `"`, it is a token. */
  readonly content: string;
  /** The frame a finished stream ends with; with `doneInside`, a marker somewhere in its last line. */
  readonly done: string;
  /** NDJSON: the final chunk holds the marker (`"done":true`) among its other fields. */
  readonly doneInside?: boolean;
}

export const OPENAI_CHAT_WIRE: WireMarkers = { content: '"content":"', done: 'data: [DONE]' };
/** Anthropic's Messages stream: `text_delta`s carry `"text":"…"` (the block start's `"text":""` is not a token); `message_stop` ends it. */
/** Ollama's native /api/chat: NDJSON, the final chunk compact JSON with `"done":true`. */
export const OLLAMA_CHAT_WIRE: WireMarkers = { content: '"content":"', done: '"done":true', doneInside: true };
export const ANTHROPIC_MESSAGES_WIRE: WireMarkers = { content: '"text":"', done: 'data: {"type":"message_stop"}' };

export class StreamWatcher {
  private pending = '';
  private contentSeen = false;
  private tail = '';
  private readonly content: string;
  private readonly done: string;
  /** Enough of the previous piece to find a marker split across two network reads. */
  private readonly carry: number;
  private readonly doneInside: boolean;
  private doneSeen = false;
  private doneCarry = '';

  constructor(wire: WireMarkers = OPENAI_CHAT_WIRE) {
    this.content = wire.content;
    this.done = wire.done;
    this.carry = Math.max(wire.content.length, wire.done.length) + 1;
    this.doneInside = wire.doneInside === true;
  }

  get sawContent(): boolean {
    return this.contentSeen;
  }

  /** True once the text read so far ends with the `[DONE]` frame. */
  get sawDone(): boolean {
    return this.doneInside ? this.doneSeen : this.tail.trimEnd().endsWith(this.done);
  }

  /** Feeds one network read; returns true when it holds the first content token. */
  push(text: string): boolean {
    this.tail = (this.tail + text).slice(-this.carry * 2);
    if (this.doneInside && !this.doneSeen) {
      const window = this.doneCarry + text;
      this.doneSeen = window.includes(this.done);
      this.doneCarry = window.slice(-this.done.length);
    }
    if (this.contentSeen) return false;
    const window = this.pending + text;
    let from = 0;
    for (;;) {
      const at = window.indexOf(this.content, from);
      if (at < 0) break;
      const next = at + this.content.length;
      // The character after the opening quote is in the next read: decide then.
      if (next >= window.length) {
        this.pending = window.slice(at);
        return false;
      }
      if (window.charCodeAt(next) !== 0x22 /* " */) {
        this.contentSeen = true;
        this.pending = '';
        return true;
      }
      from = next;
    }
    this.pending = window.slice(-this.carry);
    return false;
  }
}
