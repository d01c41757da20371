import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { startConsumer, type ConsumerRunner } from '../consumer/consumer-runner.js';
import type { MessageContext } from '../consumer/message-context.js';
import type { MessagingLogger } from '../logger.js';
import { ensureMessagingStreams } from '../streams.js';
import { MessagingNames } from '../subjects.js';
import type { JetStreamHandlerMetadata } from './jetstream-handler.decorator.js';
import type { MessagingModuleOptions } from './messaging-options.js';
import { JETSTREAM_HANDLER, MESSAGING_OPTIONS, NATS_CONNECTION } from './tokens.js';

type BoundHandler = (payload: unknown, context: MessageContext) => Promise<void>;

interface DiscoveredHandler {
  readonly metadata: JetStreamHandlerMetadata;
  readonly handle: BoundHandler;
  readonly where: string;
}

/**
 * Owns the module's runtime: at module init declares the streams (so that they exist before any
 * provider's bootstrap, including consumers an application starts itself), at bootstrap finds every `@JetStreamHandler` method
 * of the application's providers and controllers and starts its consumer; before shutdown stops them
 * (no more pulls, in-flight handlers finish within the shutdown's grace or are handed back, acks
 * confirmed); at shutdown drains the NATS connection.
 */
@Injectable()
export class MessagingLifecycle implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger: MessagingLogger;
  private runners: ConsumerRunner[] = [];

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions & { readonly namespace: string },
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {
    this.logger = options.logger ?? new Logger('Messaging');
  }

  async onModuleInit(): Promise<void> {
    if (this.options.ensureStreams !== false) {
      await ensureMessagingStreams(await jetstreamManager(this.nc), new MessagingNames(this.options.namespace), this.options.streamLimits);
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const handler of this.discoverHandlers()) {
      const { metadata } = handler;
      const runner = await startConsumer(this.nc, {
        namespace: this.options.namespace,
        consumer: metadata.consumer,
        ...(metadata.stream === undefined ? {} : { stream: metadata.stream }),
        filterSubject: metadata.filterSubject,
        decode: metadata.decode,
        handle: handler.handle,
        retry: {
          ...(metadata.maxDeliver === undefined ? {} : { maxDeliver: metadata.maxDeliver }),
          ...(metadata.backoffMs === undefined ? {} : { backoffMs: metadata.backoffMs }),
        },
        ...(metadata.ackWaitMs === undefined ? {} : { ackWaitMs: metadata.ackWaitMs }),
        ...(metadata.concurrency === undefined ? {} : { concurrency: metadata.concurrency }),
        logger: this.logger,
      });
      this.runners.push(runner);
      this.logger.log(`Consumer ${runner.durable} started for ${handler.where}`);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    const runners = this.runners;
    this.runners = [];
    await Promise.all(runners.map((runner) => runner.stop()));
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.drain();
  }

  private discoverHandlers(): DiscoveredHandler[] {
    const found: DiscoveredHandler[] = [];
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      const instance: unknown = wrapper.instance;
      // Request-scoped providers have no single instance to bind a consumer to.
      if (!wrapper.isDependencyTreeStatic() || typeof instance !== 'object' || instance === null) continue;
      const prototype = Object.getPrototypeOf(instance) as object | null;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const method: unknown = (instance as Record<string, unknown>)[name];
        if (typeof method !== 'function') continue;
        const metadata = this.reflector.get<JetStreamHandlerMetadata | undefined>(JETSTREAM_HANDLER, method);
        if (metadata === undefined) continue;
        found.push({
          metadata,
          handle: (method as BoundHandler).bind(instance),
          where: `${instance.constructor.name}.${name}`,
        });
      }
    }
    return found;
  }
}
