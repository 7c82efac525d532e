/**
 * Turns a child's output stream into whole lines prefixed with its name, so the interleaved
 * output of several services stays readable. Partial lines wait for their end.
 */
export class LinePrefixer {
  private pending = '';

  /** write gets the prefixed line (with newline) and the bare line, for anyone watching the output. */
  constructor(
    private readonly prefix: string,
    private readonly write: (prefixed: string, line: string) => void,
  ) {}

  push(text: string): void {
    const lines = (this.pending + text).split(/\r?\n/);
    this.pending = lines.pop() ?? '';
    for (const line of lines) this.write(`${this.prefix}${line}\n`, line);
  }

  /** Emits a trailing line that never got its newline (the child exited mid-line). */
  flush(): void {
    if (this.pending === '') return;
    const line = this.pending;
    this.pending = '';
    this.write(`${this.prefix}${line}\n`, line);
  }
}

/** Every name is padded to this width so all lines start in the same column ("accounting" is the longest). */
export const prefixWidth = 10;

/** `name       | ` */
export function formatPrefix(name: string, width = prefixWidth): string {
  return `${name.padEnd(width)} | `;
}
