/**
 * Applies `options.stop` to streamed text the way a runner does: text that could be the start of a
 * stop string is held back until it can't be; on a match the text is cut before the stop string.
 */
export class StopFilter {
  private pending = '';
  stopped = false;

  constructor(private readonly stops: readonly string[]) {}

  /** Feeds one token; returns the text that may be emitted now. */
  push(token: string): string {
    if (this.stops.length === 0) return token;
    const text = this.pending + token;
    let cut = -1;
    for (const stop of this.stops) {
      const at = text.indexOf(stop);
      if (at !== -1 && (cut === -1 || at < cut)) cut = at;
    }
    if (cut !== -1) {
      this.stopped = true;
      this.pending = '';
      return text.slice(0, cut);
    }
    const held = this.heldLength(text);
    this.pending = text.slice(text.length - held);
    return text.slice(0, text.length - held);
  }

  /** Text still held back at the end of generation. */
  flush(): string {
    const rest = this.pending;
    this.pending = '';
    return rest;
  }

  private heldLength(text: string): number {
    let longest = 0;
    for (const stop of this.stops) {
      for (let length = Math.min(stop.length - 1, text.length); length > longest; length--) {
        if (text.endsWith(stop.slice(0, length))) {
          longest = length;
          break;
        }
      }
    }
    return longest;
  }
}
