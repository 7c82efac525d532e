/**
 * Until a model has answered once, its vector width is unknown (heartbeats do not carry it), so
 * splitting assumes the widest common embedding models.
 */
export const ASSUMED_VECTOR_WIDTH = 4096;

/** The vector width each embedding model answered with, learned from its replies (per edge process). */
export class EmbeddingWidths {
  private readonly widths = new Map<string, number>();

  widthOf(model: string, requestedDimensions: number | undefined): number {
    const known = this.widths.get(model);
    if (requestedDimensions !== undefined) return Math.min(requestedDimensions, known ?? requestedDimensions);
    return known ?? ASSUMED_VECTOR_WIDTH;
  }

  /** Remembers the full width only: a reply shortened by `dimensions` says nothing about it. */
  remember(model: string, vectors: readonly (readonly number[])[], requestedDimensions: number | undefined): void {
    const width = vectors[0]?.length;
    if (width === undefined || width === 0 || requestedDimensions !== undefined) return;
    this.widths.set(model, width);
  }
}
