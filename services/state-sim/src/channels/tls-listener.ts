import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { RequestListener } from 'node:http';
import type { StateSimConfig } from '../config.js';

/**
 * The ministry's HTTPS face (DOMAIN.md §1.2): the simulator's routes served over TLS with its server
 * certificate, to clients holding a certificate from the configured CA only (the handshake refuses
 * any other, and one without). Resolves once listening, with the port it took.
 */
export async function listenMutualTls(tls: NonNullable<StateSimConfig['tls']>, handler: RequestListener): Promise<{ server: Server; port: number }> {
  const server = createServer(
    {
      cert: readFileSync(tls.certFile),
      key: readFileSync(tls.keyFile),
      ca: readFileSync(tls.clientCaFile),
      requestCert: true,
      rejectUnauthorized: true,
    },
    handler,
  );
  await new Promise<void>((listening, fail) => {
    server.once('error', fail);
    server.listen(tls.port, '127.0.0.1', () => {
      server.off('error', fail);
      listening();
    });
  });
  const address = server.address();
  return { server, port: typeof address === 'object' && address !== null ? address.port : tls.port };
}
