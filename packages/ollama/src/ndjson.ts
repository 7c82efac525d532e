/**
 * Splits a byte stream into NDJSON lines. Feed it chunks as they arrive; it calls `onLine` with each
 * complete line (without the newline), keeping a partial line for the next chunk.
 */
export class NdjsonSplitter {
  private pending = '';
  private readonly decoder = new TextDecoder();
  // A plain field, not a parameter property: Node's type stripping runs this package as it is.
  private readonly onLine: (line: string) => void;

  constructor(onLine: (line: string) => void) {
    this.onLine = onLine;
  }

  push(bytes: Uint8Array): void {
    const text = this.pending + this.decoder.decode(bytes, { stream: true });
    let start = 0;
    let newline = text.indexOf('\n', start);
    while (newline !== -1) {
      const line = text.slice(start, newline).trim();
      if (line.length > 0) this.onLine(line);
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    this.pending = text.slice(start);
  }

  /** Call at end of stream: emits a last line that had no trailing newline. */
  end(): void {
    const rest = (this.pending + this.decoder.decode()).trim();
    this.pending = '';
    if (rest.length > 0) this.onLine(rest);
  }
}
