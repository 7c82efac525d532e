/**
 * Just enough SSE reading for timing a chat completion stream: when the first non-empty
 * `delta.content` arrives, and whether the stream ended with `[DONE]`. Both the emulator's OpenAI
 * layer and the edge write compact JSON, so a non-empty content is `"content":"` followed by
 * anything but the closing quote; a role-only first chunk (`"content":""`) does not count.
 */
const CONTENT = '"content":"';
const DONE = 'data: [DONE]';
/** How an NDJSON stream (Ollama's /api/chat) ends: the final chunk, compact JSON as the edge and Ollama write it. */
const NDJSON_DONE = '"done":true';
/** Enough of the previous piece to find a marker split across two network reads. */
const CARRY = Math.max(CONTENT.length, DONE.length) + 1;

export class StreamWatcher {
  private pending = '';
  private contentSeen = false;
  private tail = '';
  private ndjsonDoneSeen = false;
  private ndjsonCarry = '';

  /** `ndjson`: the stream ends with a `"done":true` chunk rather than `[DONE]`. */
  constructor(private readonly framing: 'sse' | 'ndjson' = 'sse') {}

  get sawContent(): boolean {
    return this.contentSeen;
  }

  /** True once the text read so far ends with the `[DONE]` frame. */
  get sawDone(): boolean {
    return this.framing === 'ndjson' ? this.ndjsonDoneSeen : this.tail.trimEnd().endsWith(DONE);
  }

  /** Feeds one network read; returns true when it holds the first content token. */
  push(text: string): boolean {
    this.tail = (this.tail + text).slice(-CARRY * 2);
    if (this.framing === 'ndjson' && !this.ndjsonDoneSeen) {
      const window = this.ndjsonCarry + text;
      this.ndjsonDoneSeen = window.includes(NDJSON_DONE);
      this.ndjsonCarry = window.slice(-NDJSON_DONE.length);
    }
    if (this.contentSeen) return false;
    const window = this.pending + text;
    let from = 0;
    for (;;) {
      const at = window.indexOf(CONTENT, from);
      if (at < 0) break;
      const next = at + CONTENT.length;
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
    this.pending = window.slice(-CARRY);
    return false;
  }
}
