import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { testServers, type TestServers } from './servers.js';

/** A NATS namespace made for one test file: every stream the test makes starts with it. */
export interface TestNamespace {
  /** Use as `RELAIS_NAMESPACE`: a unique prefix for streams, consumers and subjects. */
  readonly namespace: string;
  readonly natsUrl: string;
  /** A connection for the test's own checks, closed by `cleanup()`. */
  readonly nc: NatsConnection;
  /** Deletes every stream whose name starts with the namespace, then closes the connection. */
  cleanup(): Promise<void>;
}

/** Creates a unique namespace on the test NATS server, or on `servers`' (a private one a test may restart). */
export async function createTestNamespace(prefix = 't', servers?: Pick<TestServers, 'natsUrl'>): Promise<TestNamespace> {
  const { natsUrl } = servers ?? (await testServers());
  const namespace = `${prefix}${randomBytes(5).toString('hex')}`;
  const nc = await connect({ servers: natsUrl });
  return {
    namespace,
    natsUrl,
    nc,
    async cleanup() {
      const jsm = await jetstreamManager(nc);
      for await (const name of jsm.streams.names()) {
        if (name.toLowerCase().startsWith(namespace.toLowerCase())) await jsm.streams.delete(name);
      }
      await nc.drain();
    },
  };
}
