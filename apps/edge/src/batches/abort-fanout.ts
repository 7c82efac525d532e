/**
 * Child signals of one long-lived signal, each opened and closed in O(1). An EventTarget scans its
 * listeners on every add and remove, so a thousand batch lines in flight, each listening on the
 * runner's signal, made every line's start and end a thousand-step walk — hundreds of milliseconds of
 * event loop per wave of lines. Here the parent has one listener, and each line its own signal.
 */
export class AbortFanout {
  private readonly children = new Set<AbortController>();

  constructor(private readonly parent: AbortSignal) {
    parent.addEventListener(
      'abort',
      () => {
        for (const child of this.children) child.abort(parent.reason);
        this.children.clear();
      },
      { once: true },
    );
  }

  /** A signal that aborts with the parent; `close` once the work it guards is over. */
  open(): { signal: AbortSignal; close: () => void } {
    const child = new AbortController();
    if (this.parent.aborted) child.abort(this.parent.reason);
    else this.children.add(child);
    return { signal: child.signal, close: () => this.children.delete(child) };
  }

  /** Children open now (for tests). */
  get size(): number {
    return this.children.size;
  }
}
