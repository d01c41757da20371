import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { GatewayErrorCode } from '../errors/error-codes.js';
import type { GatewayLimits } from './limits.js';

/** What the server answers a request it could not parse, before any route saw it. */
function clientErrorAnswer(error: NodeJS.ErrnoException, limits: GatewayLimits): { status: number; code: string; message: string } {
  switch (error.code ?? '') {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code: GatewayErrorCode.HeadersTooLarge, message: `The request line and headers exceed ${limits.maxHeaderBytes} bytes` };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: GatewayErrorCode.BadRequest, message: 'The request took too long to arrive' };
    default:
      return { status: 400, code: GatewayErrorCode.BadRequest, message: 'The request is not well-formed HTTP' };
  }
}

/**
 * Bounds what Express and Node read before any guard runs: JSON bodies (`maxJsonBytes`) and form
 * bodies (`maxFormBytes`, a few fields: the sign-in form has one) are refused past their limit with
 * 413 REQUEST.BODY_TOO_LARGE by the error filter; headers past `maxHeaderBytes` are refused by Node's
 * parser, answered here 431 REQUEST.HEADERS_TOO_LARGE in the API's error shape (Node's own answer has
 * no body). Call before `init`/`listen`.
 */
export function applyHttpLimits(app: NestExpressApplication, limits: GatewayLimits): void {
  app.useBodyParser('json', { limit: limits.maxJsonBytes });
  app.useBodyParser('urlencoded', { limit: limits.maxFormBytes, extended: false, parameterLimit: 20 });
  const server = app.getHttpServer() as Server & { maxHeaderSize?: number };
  // Read by Node's parser for each new connection (the same field `http.createServer({maxHeaderSize})` sets).
  server.maxHeaderSize = limits.maxHeaderBytes;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // A connection reset or one whose answer already started has nobody left to read an answer.
    if (error.code === 'ECONNRESET' || !socket.writable || (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true) {
      socket.destroy();
      return;
    }
    const answer = clientErrorAnswer(error, limits);
    const body = JSON.stringify({ errors: [{ code: answer.code, message: answer.message }] });
    socket.end(
      `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
