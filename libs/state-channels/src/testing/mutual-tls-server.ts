import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { TestPki } from './test-pki.js';

/** A request the test server received, whole. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
  /** Subject CN of the client certificate presented, if any. */
  readonly clientCn: string | undefined;
}

/** What the handler answers. */
export interface TestAnswer {
  readonly status: number;
  readonly body?: string;
  /** Never answer at all. */
  readonly hang?: boolean;
}

/** An HTTPS server on 127.0.0.1 with the test PKI, recording what reached it. */
export interface MutualTlsServer {
  readonly url: string;
  /** TCP connections accepted, handshakes or not. */
  readonly connections: () => number;
  readonly requests: readonly ReceivedRequest[];
  readonly close: () => Promise<void>;
}

/**
 * Starts an HTTPS server on 127.0.0.1 (a free port) that presents `pki`'s server certificate (or the
 * other one, `impostor`) and, with `requestCert`, demands a client certificate chained to the test CA.
 */
export async function startMutualTlsServer(options: {
  readonly pki: TestPki;
  readonly requestCert: boolean;
  readonly impostor?: boolean;
  /** Cap the TLS version: under TLS 1.2 a refused client certificate fails the client's handshake itself. */
  readonly maxVersion?: 'TLSv1.2' | 'TLSv1.3';
  readonly handler?: (request: ReceivedRequest) => TestAnswer;
}): Promise<MutualTlsServer> {
  const { pki } = options;
  const requests: ReceivedRequest[] = [];
  let connections = 0;
  const server: Server = createServer({
    cert: readFileSync(options.impostor === true ? pki.otherServerCert : pki.serverCert),
    key: readFileSync(options.impostor === true ? pki.otherServerKey : pki.serverKey),
    ca: readFileSync(pki.caCert),
    requestCert: options.requestCert,
    rejectUnauthorized: options.requestCert,
    maxVersion: options.maxVersion ?? 'TLSv1.3',
  }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const peer = req.socket instanceof TLSSocket ? req.socket.getPeerCertificate() : undefined;
      const cn = peer?.subject.CN;
      const received: ReceivedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks), clientCn: cn === undefined ? undefined : String(cn) };
      requests.push(received);
      const answer = options.handler?.(received) ?? { status: 200, body: 'OK' };
      if (answer.hang === true) return;
      res.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body ?? '');
    });
  });
  server.on('connection', () => {
    connections += 1;
  });
  // A handshake refused by either side is the case under test, not a failure of the server.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}/actes`,
    connections: () => connections,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => {
        resolve();
      });
    }),
  };
}
