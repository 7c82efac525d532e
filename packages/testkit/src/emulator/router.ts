import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorContext } from './context.ts';
import type { Exchange } from './exchange.ts';
import { readBody, writeJson, writeText, ContentType } from './http-io.ts';
import { OLLAMA_VERSION, ps, tags } from './model-info.ts';
import { chatRoute, embeddingsRoute, embedRoute, generateRoute, showRoute } from './native-routes.ts';
import { openAiRoutes, retrieveModelRoute } from './openai-layer/routes.ts';

type Handler = (context: EmulatorContext, exchange: Exchange, body: string) => void | Promise<void>;
type Methods = Partial<Record<'GET' | 'HEAD' | 'POST', Handler>>;

const running: Handler = (_context, exchange) => writeText(exchange.response, 200, 'Ollama is running');
const version: Handler = (_context, exchange) => writeJson(exchange.response, 200, { version: OLLAMA_VERSION });
const listTags: Handler = (context, exchange) => writeJson(exchange.response, 200, tags(context));

const routes: Record<string, Methods> = {
  '/': { GET: running, HEAD: running },
  '/api/version': { GET: version, HEAD: version },
  '/api/tags': { GET: listTags, HEAD: listTags },
  '/api/ps': { GET: (context, exchange) => writeJson(exchange.response, 200, ps(context)) },
  '/api/show': { POST: showRoute },
  '/api/chat': { POST: chatRoute },
  '/api/generate': { POST: generateRoute },
  '/api/embed': { POST: embedRoute },
  '/api/embeddings': { POST: embeddingsRoute },
  ...openAiRoutes,
};

const modelPathPrefix = '/v1/models/';

function find(path: string): Methods | undefined {
  const exact = routes[path];
  if (exact) return exact;
  if (path.startsWith(modelPathPrefix) && path.length > modelPathPrefix.length) return { GET: retrieveModelRoute };
  return undefined;
}

/** Builds the node:http request listener: gin-like routing, 404/405 as plain text. */
export function createListener(
  context: () => EmulatorContext,
  track: (controller: AbortController) => () => void,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const url = request.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const methods = find(path);
    if (!methods) {
      writeText(response, 404, '404 page not found', ContentType.plain);
      request.resume();
      return;
    }
    const handler = methods[request.method as keyof Methods];
    if (!handler) {
      writeText(response, 405, '405 method not allowed', ContentType.plain);
      request.resume();
      return;
    }
    const controller = new AbortController();
    const untrack = track(controller);
    response.on('close', () => {
      untrack();
      if (!response.writableFinished) controller.abort();
    });
    const exchange: Exchange = { request, response, signal: controller.signal, path };
    const serve = async (): Promise<void> => {
      const body = request.method === 'POST' ? await readBody(request) : '';
      await handler(context(), exchange, body);
    };
    serve().catch((error: unknown) => {
      if (!response.headersSent && !response.destroyed) {
        writeJson(response, 500, { error: error instanceof Error ? error.message : String(error) });
      } else if (!response.writableEnded) {
        response.destroy();
      }
    });
  };
}
