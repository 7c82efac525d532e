import type { HttpError } from './http-error.ts';

/** How one API dialect writes the body of an error answer (OpenAI's, Anthropic's, Ollama's envelope). */
export type ErrorRenderer = (error: HttpError) => unknown;

/**
 * Which dialect answers an error on a path: the longest registered prefix that names whole path
 * segments (`/v1` covers `/v1/models`, not `/v1x`), else the fallback. Answers that no route
 * produced (an unknown URL, a body fastify refused, a request while shutting down) use it, so they
 * reach the caller in the envelope its SDK reads.
 */
export class ErrorDialects {
  private readonly prefixes: [prefix: string, render: ErrorRenderer][];

  constructor(
    byPrefix: Readonly<Record<string, ErrorRenderer>>,
    /** For what has no path (a connection the HTTP parser refused) or matches no prefix. */
    readonly fallback: ErrorRenderer,
  ) {
    this.prefixes = Object.entries(byPrefix)
      .map(([prefix, render]): [string, ErrorRenderer] => [prefix.replace(/\/+$/, ''), render])
      .sort(([a], [b]) => b.length - a.length);
  }

  /** The renderer for a request URL (its query and doubled slashes do not matter, as for routing). */
  forUrl(url: string): ErrorRenderer {
    const path = (url.split('?')[0] ?? '/').replace(/\/{2,}/g, '/');
    for (const [prefix, render] of this.prefixes) {
      if (path === prefix || path.startsWith(`${prefix}/`)) return render;
    }
    return this.fallback;
  }

  render(url: string, error: HttpError): unknown {
    return this.forUrl(url)(error);
  }
}
