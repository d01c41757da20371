import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A TCP forwarder a test can take down and bring back on the same port: a dependency's outage, for real. */
export interface TcpProxy {
  /** The port it listens on (kept across `down`/`up`). */
  readonly port: number;
  /** Closes the listening socket and cuts every connection: clients see resets, then refusals. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

/** Forwards 127.0.0.1:<free port> to `target`. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const listen = (port: number): Promise<Server> =>
    new Promise((resolve, reject) => {
      const s = createServer((client) => {
        const upstream = connect(target.port, target.host);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => {
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream).pipe(client);
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        resolve(s);
      });
    });
  server = await listen(0);
  const port = (server.address() as AddressInfo).port;
  const down = async (): Promise<void> => {
    const closing = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    if (closing !== undefined) {
      await new Promise<void>((resolve) => {
        closing.close(() => {
          resolve();
        });
      });
    }
  };
  return {
    port,
    down,
    async up() {
      if (server === undefined) server = await listen(port);
    },
    close: down,
  };
}
