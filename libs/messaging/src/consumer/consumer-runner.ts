import { jetstream, jetstreamManager, type ConsumerMessages } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { describeError } from '../errors.js';
import { consoleLogger, type MessagingLogger } from '../logger.js';
import { JetStreamPublisher } from '../publish.js';
import { MessagingNames, StreamNames, type StreamName, type SubjectPattern } from '../subjects.js';
import { consumerConfig, DEFAULT_ACK_WAIT_MS, DEFAULT_MAX_ACK_PENDING, ensureConsumer } from './consumer-config.js';
import type { MessageDecoder, MessageHandler } from './message-context.js';
import { MessageProcessor } from './message-processor.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';

/** Options of {@link startConsumer}. */
export interface ConsumerRunnerOptions<T> {
  readonly namespace: string;
  /** Logical consumer name: the durable is `<ns>_<consumer>`, dead letters go to `<ns>.v1.dlq.<consumer>`. */
  readonly consumer: string;
  /** Default EVENTS. */
  readonly stream?: StreamName;
  /** Which subjects of the stream, e.g. `eventPattern('acte')`. */
  readonly filterSubject: string | SubjectPattern;
  readonly decode: MessageDecoder<T>;
  readonly handle: MessageHandler<T>;
  /** Default {@link DEFAULT_RETRY_POLICY}. */
  readonly retry?: Partial<RetryPolicy>;
  /** Default 30 s (see `ConsumerSettings.ackWaitMs`). */
  readonly ackWaitMs?: number;
  /** Default 1000. */
  readonly maxAckPending?: number;
  /** Messages handled at once (default 1: in stream order). */
  readonly concurrency?: number;
  /** Messages pulled ahead of the handler (default 128): hides the pull round trip. */
  readonly prefetch?: number;
  /**
   * `confirmed` (default): every ack is an `ackAck`, its confirmation awaited in the background and a
   * refusal logged; `stop()` waits for them. `fast`: plain acks, and `stop()` flushes the connection so
   * they reach the server before it returns. Either way the ack follows the handler's commit, and an
   * ack lost is only a redelivery that the handler's idempotency absorbs: `fast` trades the log line
   * for throughput (a confirmation is one more server reply per message).
   */
  readonly ackMode?: 'confirmed' | 'fast';
  readonly logger?: MessagingLogger;
}

/** A running consumer. */
export interface ConsumerRunner {
  readonly consumer: string;
  /** The durable name on the server. */
  readonly durable: string;
  /**
   * Stops pulling, lets running handlers finish and their acks be confirmed, and hands messages
   * pulled but not started back to the server (nak) so another instance takes them at once.
   */
  stop(): Promise<void>;
}

/**
 * Declares the durable pull consumer (create or update) and starts handling its messages: decode,
 * handle, then ack only once the handler resolved (its work committed). A failure is retried with the
 * policy's backoff (nak with delay); the last allowed failure, a `PermanentError` or an undecodable
 * payload is published to the dead-letter subject and then terminated.
 */
export async function startConsumer<T>(nc: NatsConnection, options: ConsumerRunnerOptions<T>): Promise<ConsumerRunner> {
  const names = new MessagingNames(options.namespace);
  const stream = names.stream(options.stream ?? StreamNames.EVENTS);
  const durable = names.durable(options.consumer);
  const retry: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const ackWaitMs = options.ackWaitMs ?? DEFAULT_ACK_WAIT_MS;
  const filter = options.filterSubject;
  const config = consumerConfig({
    durable,
    filterSubject: typeof filter === 'string' ? filter : filter(options.namespace),
    retry,
    ackWaitMs,
    maxAckPending: options.maxAckPending ?? DEFAULT_MAX_ACK_PENDING,
  });
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  // Declares the consumer (again, when it was deleted under us) and starts pulling from it.
  const subscribe = async (): Promise<ConsumerMessages> => {
    await ensureConsumer(jsm, stream, config);
    const consumer = await js.consumers.get(stream, durable);
    return consumer.consume({ max_messages: options.prefetch ?? 128 });
  };
  const runner = new Runner(options, nc, names, new JetStreamPublisher(nc), subscribe, retry, ackWaitMs, durable);
  await runner.start();
  return runner;
}

class Runner<T> implements ConsumerRunner {
  readonly consumer: string;
  private readonly logger: MessagingLogger;
  private readonly concurrency: number;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly processor: MessageProcessor<T>;
  private stopping = false;
  private loop: Promise<void> = Promise.resolve();
  private messages: ConsumerMessages | undefined;
  /** A subscription being made to replace one whose consumer was deleted. */
  private replacement: Promise<ConsumerMessages> | undefined;

  constructor(
    private readonly options: ConsumerRunnerOptions<T>,
    private readonly nc: NatsConnection,
    names: MessagingNames,
    publisher: JetStreamPublisher,
    private readonly subscribe: () => Promise<ConsumerMessages>,
    retry: RetryPolicy,
    ackWaitMs: number,
    readonly durable: string,
  ) {
    this.consumer = options.consumer;
    this.logger = options.logger ?? consoleLogger;
    this.concurrency = Math.max(1, options.concurrency ?? 1);
    this.processor = new MessageProcessor(options, names, publisher, retry, ackWaitMs, durable, this.logger);
  }

  async start(): Promise<void> {
    const messages = await this.subscribe();
    this.messages = messages;
    this.loop = this.run(messages);
    void this.watchStatus(messages);
    this.processor.start();
  }

  async stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = true;
      await this.messages?.close();
      await (await this.replacement?.catch(() => undefined))?.close();
    }
    await this.loop;
    this.processor.stop();
    // On a closed connection the confirmations can only time out: nothing to wait for.
    if (this.nc.isClosed()) return;
    await this.processor.acksSettled();
    // Plain acks (`fast`) are on the server once the flush's round trip is back.
    await this.nc.flush().catch((error: unknown) => {
      this.logger.warn(`Consumer ${this.durable}: acks not flushed: ${describeError(error)}`);
    });
  }

  private async run(first: ConsumerMessages): Promise<void> {
    for (let messages: ConsumerMessages | undefined = first; messages !== undefined; messages = await this.next()) {
      await this.drain(messages);
    }
  }

  /** The subscription replacing the one that just ended, or undefined when the runner is done. */
  private async next(): Promise<ConsumerMessages | undefined> {
    const replacement = this.replacement;
    this.replacement = undefined;
    if (this.stopping) return undefined;
    if (replacement === undefined) {
      this.logger.error(`Consumer ${this.durable} stopped: its connection closed`);
      return undefined;
    }
    const messages = await replacement.catch(() => undefined);
    if (messages === undefined) {
      this.logger.error(`Consumer ${this.durable} stopped: it could not be declared again`);
      return undefined;
    }
    this.messages = messages;
    void this.watchStatus(messages);
    return messages;
  }

  private resubscribe(): void {
    if (this.replacement !== undefined || this.stopping) return;
    const replacement = this.subscribe();
    this.replacement = replacement;
    replacement.then(
      // Ending the old subscription lets the loop move to the new one.
      () => this.messages?.close(),
      (error: unknown) => {
        this.replacement = undefined;
        this.logger.warn(`Consumer ${this.durable}: not declared again: ${describeError(error)}`);
      },
    );
  }

  private async drain(messages: ConsumerMessages): Promise<void> {
    try {
      for await (const msg of messages) {
        if (this.stopping) {
          msg.nak();
          continue;
        }
        if (this.concurrency === 1) {
          await this.processor.process(msg);
          continue;
        }
        const task = this.processor.process(msg).finally(() => this.inFlight.delete(task));
        this.inFlight.add(task);
        if (this.inFlight.size >= this.concurrency) await Promise.race(this.inFlight);
      }
    } catch (error) {
      this.logger.error(`Consumer ${this.durable}: ${describeError(error)}`);
    }
    await Promise.all(this.inFlight);
  }

  private async watchStatus(messages: ConsumerMessages): Promise<void> {
    for await (const status of messages.status()) {
      switch (status.type) {
        case 'consumer_not_found':
        case 'consumer_deleted':
          // Declared in code: someone removed it. Put it back and pull from it at once, rather than
          // wait for the client to notice missed heartbeats.
          this.logger.warn(`Consumer ${this.durable}: ${status.type}, declaring it again`);
          this.resubscribe();
          break;
        case 'heartbeats_missed':
        case 'stream_not_found':
        case 'no_responders':
        case 'exceeded_limits':
          this.logger.warn(`Consumer ${this.durable}: ${JSON.stringify(status)}`);
          break;
        case 'ordered_consumer_recreated':
        case 'debug':
        case 'discard':
        case 'reset':
        case 'next':
        case 'heartbeat':
        case 'flow_control':
        case 'consumer_pinned':
        case 'consumer_unpinned':
          break;
        default: {
          const unexpected: never = status;
          this.logger.warn(`Consumer ${this.durable}: ${JSON.stringify(unexpected)}`);
        }
      }
    }
  }
}
