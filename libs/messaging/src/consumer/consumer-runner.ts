import { jetstream, jetstreamManager, type ConsumerMessages } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { describeError } from '../errors.js';
import { consoleLogger, type MessagingLogger } from '../logger.js';
import { JetStreamPublisher } from '../publish.js';
import { shutdownBudgetFromEnv } from '../shutdown-budget.js';
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

/** Options of {@link ConsumerRunner.stop}. */
export interface StopOptions {
  /**
   * How long running handlers get to finish (default: the grace of `RELAIS_SHUTDOWN_TIMEOUT_MS`, see
   * `shutdownBudgetFromEnv`).
   */
  readonly graceMs?: number;
}

/** What a stop did. */
export interface StopOutcome {
  /** Messages whose handler had not finished within the grace: handed back to the server (nak), never acked. */
  readonly handedBack: number;
}

/** A running consumer. */
export interface ConsumerRunner {
  readonly consumer: string;
  /** The durable name on the server. */
  readonly durable: string;
  /**
   * Stops pulling, hands messages pulled but not started back to the server (nak) so another instance
   * takes them at once, lets running handlers finish within the grace and their acks be confirmed.
   * Handlers still running when the grace ends have their messages handed back too, and are never
   * acked. Calling it again returns the same outcome.
   */
  stop(options?: StopOptions): Promise<StopOutcome>;
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
  private stopped: Promise<StopOutcome> | undefined;
  /** Set when the shutdown's grace ran out: the loop stops waiting for handlers, handed back by then. */
  private graceOver = false;
  /** Wakes the loop waiting for a handler to end (or for the grace to). */
  private wake: (() => void) | undefined;
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

  stop(options: StopOptions = {}): Promise<StopOutcome> {
    this.stopped ??= this.stopOnce(options.graceMs ?? shutdownBudgetFromEnv().graceMs);
    return this.stopped;
  }

  private async stopOnce(graceMs: number): Promise<StopOutcome> {
    this.stopping = true;
    let handedBack = 0;
    const grace = setTimeout(() => {
      handedBack = this.processor.handBack();
      this.graceOver = true;
      this.wake?.();
    }, graceMs);
    // Closing ends the pull at once; the loop then hands back what was pulled but not started, and
    // returns once the running handlers are done (or handed back).
    await this.messages?.close();
    await (await this.replacement?.catch(() => undefined))?.close();
    await this.loop;
    clearTimeout(grace);
    this.processor.stop();
    if (handedBack > 0) this.logger.warn(`Consumer ${this.durable}: ${handedBack.toString()} handler(s) not finished within ${graceMs.toString()} ms, handed back`);
    // On a closed connection the confirmations can only time out: nothing to wait for.
    if (this.nc.isClosed()) return { handedBack };
    await this.processor.acksSettled();
    // Plain acks (`fast`) and the naks are on the server once the flush's round trip is back.
    await this.nc.flush().catch((error: unknown) => {
      this.logger.warn(`Consumer ${this.durable}: acks not flushed: ${describeError(error)}`);
    });
    return { handedBack };
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
        const task = this.processor.process(msg).finally(() => {
          this.inFlight.delete(task);
          this.wake?.();
        });
        this.inFlight.add(task);
        await this.handlersBelow(this.concurrency);
      }
    } catch (error) {
      this.logger.error(`Consumer ${this.durable}: ${describeError(error)}`);
    }
    await this.handlersBelow(1);
  }

  /**
   * Waits until fewer than `limit` handlers run, or the shutdown's grace is over (the handlers still
   * running are handed back by then: nothing more to wait for). One waiter at a time, woken by each
   * handler's end, so that no promise outlives the wait.
   */
  private async handlersBelow(limit: number): Promise<void> {
    while (this.inFlight.size >= limit && !this.graceOver) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
    this.wake = undefined;
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
