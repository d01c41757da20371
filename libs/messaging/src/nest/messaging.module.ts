import { Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { JetStreamPublisher } from '../publish.js';
import { MessagingNames, namespaceFromEnv } from '../subjects.js';
import { MessagingLifecycle } from './messaging.lifecycle.js';
import type { MessagingModuleOptions } from './messaging-options.js';
import { MESSAGING_OPTIONS, NATS_CONNECTION } from './tokens.js';

/**
 * JetStream for a Nest application (global once imported): a NATS connection (token
 * `NATS_CONNECTION`), a `JetStreamPublisher`, the namespace's `MessagingNames`, and every
 * `@JetStreamHandler` method started as a durable consumer at bootstrap, stopped at shutdown.
 */
@Module({})
export class MessagingModule {
  /** Configures the module once, in the application's root module. */
  static forRoot(given: MessagingModuleOptions): DynamicModule {
    const options: MessagingModuleOptions & { readonly namespace: string } = { ...given, namespace: given.namespace ?? namespaceFromEnv() };
    const names = new MessagingNames(options.namespace);
    return {
      module: MessagingModule,
      global: true,
      imports: [DiscoveryModule],
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        { provide: MessagingNames, useValue: names },
        {
          provide: NATS_CONNECTION,
          useFactory: (): Promise<NatsConnection> =>
            connect({
              servers: typeof options.natsUrl === 'string' ? options.natsUrl : [...options.natsUrl],
              name: options.connectionName ?? `relais-${options.namespace}`,
              // A service keeps trying through a NATS restart rather than dying with it.
              maxReconnectAttempts: -1,
              // Otherwise every publish and every confirmed ack builds two Errors with stack traces up
              // front, in case it fails: a quarter of a busy consumer's CPU.
              noAsyncTraces: true,
            }),
        },
        {
          provide: JetStreamPublisher,
          useFactory: (nc: NatsConnection) => new JetStreamPublisher(nc),
          inject: [NATS_CONNECTION],
        },
        MessagingLifecycle,
      ],
      exports: [NATS_CONNECTION, MESSAGING_OPTIONS, MessagingNames, JetStreamPublisher],
    };
  }
}
