import { maxHeaderSize, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorDialects } from '../errors/error-dialects.ts';
import { FailureKind, HttpError } from '../errors/http-error.ts';
import { newRequestId, REQUEST_ID_HEADER } from './request-id.ts';

/** How long a refused connection may linger for the client to read the answer before it is dropped. */
const LINGER_MS = 5_000;

type ParseError = Error & { code?: string; reason?: string };

/** Node's HTTP parser refusals (and its request timeouts) as the edge's one error value. */
function describeClientError(error: ParseError): HttpError {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return new HttpError(
        431,
        FailureKind.InvalidRequest,
        `The request line and headers are larger than the ${Math.round(maxHeaderSize / 1024)} KB the server accepts; send a shorter URL or fewer, smaller headers.`,
        { code: 'request_header_fields_too_large' },
      );
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'ERR_HTTP_HEADERS_TIMEOUT':
      return new HttpError(408, FailureKind.InvalidRequest, 'The request did not arrive in time.', { code: 'request_timeout' });
  }
  return new HttpError(400, FailureKind.InvalidRequest, `The request is not valid HTTP/1.1 (${error.reason ?? error.message}).`, { code: 'invalid_http_request' });
}


/** Sockets already answered: the parser may report the same connection again as more bytes arrive. */
const answered = new WeakSet<Socket>();

/**
 * fastify's `clientErrorHandler`: what Node's HTTP parser refuses before there is a request (headers
 * over the size limit, malformed HTTP) gets the fallback dialect's error object (there is no path to
 * choose by) with the right status, a request id, and `Connection: close`. The connection then ends gracefully: the client may still be sending,
 * and dropping it at once would reset the connection before it read the answer.
 */
export function clientErrorAnswerer(dialects: ErrorDialects): (error: ParseError, socket: Socket) => void {
  return (error, socket) => answerClientError(dialects, error, socket);
}

function answerClientError(dialects: ErrorDialects, error: ParseError, socket: Socket): void {
  if (answered.has(socket)) return;
  answered.add(socket);
  // A reset connection has no one to answer; a response already under way cannot be interrupted cleanly.
  const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const httpError = describeClientError(error);
  const body = JSON.stringify(dialects.fallback(httpError));
  const head = [
    `HTTP/1.1 ${httpError.status} ${STATUS_CODES[httpError.status] ?? 'Error'}`,
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(body)}`,
    `${REQUEST_ID_HEADER}: ${newRequestId()}`,
    'connection: close',
  ].join('\r\n');
  socket.end(`${head}\r\n\r\n${body}`);
  // Read and drop what the client still sends until it closes its side, within a bound.
  socket.resume();
  socket.setTimeout(LINGER_MS, () => socket.destroy());
}

/**
 * Node answers an `Expect` other than `100-continue` with a bare 417 and no body; this one says what
 * went wrong in the error object of the path's dialect.
 */
function answerUnmetExpectation(dialects: ErrorDialects, request: IncomingMessage, response: ServerResponse): void {
  const httpError = new HttpError(417, FailureKind.InvalidRequest, `The server cannot meet 'Expect: ${(request.headers.expect ?? '').slice(0, 100)}'; only 'Expect: 100-continue' is supported.`, {
    code: 'expectation_failed',
  });
  const body = JSON.stringify(dialects.render(request.url ?? '/', httpError));
  response.writeHead(417, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), [REQUEST_ID_HEADER]: newRequestId() });
  response.end(body);
}

export function installExpectationHandling(server: Server, dialects: ErrorDialects, bodyLimitFor: (request: IncomingMessage) => number): void {
  server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => answerUnmetExpectation(dialects, request, response));
  // A client that asks before uploading (`Expect: 100-continue`, curl does for bodies over 1 MB) is
  // told to go on only when its body can be accepted; one over the limit goes straight to the
  // router, which answers the 413 before a byte of the body was sent.
  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    if (!(Number(request.headers['content-length']) > bodyLimitFor(request))) response.writeContinue();
    server.emit('request', request, response);
  });
}
