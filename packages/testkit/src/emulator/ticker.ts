/**
 * Paces token generation: a timer per token when tokenDelayMs > 0, otherwise a setImmediate so other
 * streams and socket writes interleave. cancel() resolves a pending wait at once.
 */
export class Ticker {
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly delayMs: () => number) {}

  tick(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wake = resolve;
      const delay = this.delayMs();
      if (delay > 0) this.timer = setTimeout(resolve, delay);
      else setImmediate(resolve);
    });
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.wake?.();
  }
}
