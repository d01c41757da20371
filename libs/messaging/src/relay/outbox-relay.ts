import { jetstreamManager, type JetStreamManager, type PubAck } from '@nats-io/jetstream';
import type { NatsConnection, Status } from '@nats-io/transport-node';
import { decodeCheckpoint, type Checkpoint, type StoredEvent } from '@relais/event-store';
import { describeError, PublishBatchError, RelayLockLostError } from '../errors.js';
import { consoleLogger, type MessagingLogger } from '../logger.js';
import { JetStreamPublisher } from '../publish.js';
import { sleep } from '../sleep.js';
import { ensureMessagingStreams, type StreamLimits } from '../streams.js';
import { MessagingNames, StreamNames } from '../subjects.js';
import type { RelayLock } from './advisory-lock.js';
import { defaultEventSubject, toOutgoing, type EventSubjectMapper } from './event-message.js';
import { decideResume, readStreamTail, type ResumeDecision } from './reconcile.js';
import { compareCheckpoints, type OutboxSource, type RelayState, type RelayStateStore } from './relay-state.js';

/** Options of an {@link OutboxRelay}. */
export interface OutboxRelayOptions {
  /** The relay's NATS connection (its reconnects trigger a reconciliation). */
  readonly nc: NatsConnection;
  readonly namespace: string;
  readonly source: OutboxSource;
  readonly state: RelayStateStore;
  /** Leadership among instances; without one the caller guarantees a single instance. */
  readonly lock?: RelayLock;
  /** Subject of each event (default `<ns>.v1.evt.<category>.<type>`, category from `<category>-<id>`). */
  readonly subjectFor?: EventSubjectMapper;
  /** Events read per round (default 500). */
  readonly batchSize?: number;
  /** PubAcks awaited at once (default 256). */
  readonly maxInFlight?: number;
  /** Wait between reads when the log has nothing new (default 100 ms). */
  readonly pollIntervalMs?: number;
  /**
   * Waits while the log has nothing new, at most the poll interval: resolving early (a committed
   * append's notification) lets an event go out at once rather than at the next poll.
   */
  readonly idleWait?: { wait(ms: number, signal: AbortSignal): Promise<void>; close(): Promise<void> };
  /** Wait before trying again after an error (default 1 s). */
  readonly retryDelayMs?: number;
  /** Limits of the streams the relay declares at start (defaults: `EVENTS_STREAM_LIMITS`, `DLQ_STREAM_LIMITS`). */
  readonly streamLimits?: { readonly events?: StreamLimits; readonly dlq?: StreamLimits };
  readonly logger?: MessagingLogger;
}

/** What a relay is doing, and has done since it started. */
export interface RelayStatus {
  readonly phase: 'stopped' | 'waiting-for-lock' | 'publishing' | 'idle';
  /** Events published and stored as new messages. */
  readonly published: number;
  /** Events republished that the stream already had (dropped by its duplicate window). */
  readonly duplicates: number;
  /** The log checkpoint the relay has published up to. */
  readonly position: Checkpoint | null;
  /** The last reconciliation's decision. */
  readonly lastResume: ResumeDecision | null;
}

/**
 * The outbox relay: publishes the event log to JetStream in log order, exactly once per event on the
 * stream within the duplicate window (msg id = event id) and at least once beyond it. Reads a batch
 * from its checkpoint, publishes it pipelined, then moves the checkpoint to the last event acked. On
 * every start, error and reconnect it reconciles with what the stream really holds (see
 * `decideResume`), so a server that lost acknowledged messages gets them again.
 */
export class OutboxRelay {
  private readonly names: MessagingNames;
  private readonly publisher: JetStreamPublisher;
  private readonly logger: MessagingLogger;
  private readonly subjectFor: EventSubjectMapper;
  private abort = new AbortController();
  private running: Promise<void> | undefined;
  private needsReconcile = false;
  private streamsReady = false;
  private idleWaiters: (() => void)[] = [];
  private statuses: AsyncIterable<Status> | undefined;
  private current: RelayStatus = { phase: 'stopped', published: 0, duplicates: 0, position: null, lastResume: null };

  constructor(private readonly options: OutboxRelayOptions) {
    this.names = new MessagingNames(options.namespace);
    this.publisher = new JetStreamPublisher(options.nc);
    this.logger = options.logger ?? consoleLogger;
    this.subjectFor = options.subjectFor ?? defaultEventSubject;
  }

  /** Starts relaying in the background (after taking the lock, if any). */
  start(): void {
    if (this.running) return;
    this.abort = new AbortController();
    this.running = this.run(this.abort.signal);
    void this.watchReconnects();
  }

  /** Stops after the batch in progress, and releases the lock. */
  async stop(): Promise<void> {
    this.abort.abort(new Error('relay stopped'));
    stopIterable(this.statuses);
    this.statuses = undefined;
    await this.running;
    this.running = undefined;
    await this.options.idleWait?.close();
  }

  /** A snapshot of what the relay is doing. */
  status(): RelayStatus {
    return this.current;
  }

  /** Resolves the next time the relay finds nothing new in the log (tests, tools). */
  caughtUp(): Promise<void> {
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted && !this.options.nc.isClosed()) {
      try {
        if (this.options.lock && !this.options.lock.held) {
          this.update({ phase: 'waiting-for-lock' });
          await this.options.lock.acquire(signal);
        }
        await this.lead(signal);
      } catch (error) {
        if (isAborted(signal)) break;
        this.logger.error(`Relay ${this.names.namespace}: ${describeError(error)}; reconciling and retrying`);
        await sleep(this.options.retryDelayMs ?? 1_000, signal).catch(() => undefined);
      }
    }
    if (this.options.nc.isClosed()) this.logger.error(`Relay ${this.names.namespace}: NATS connection closed, relay stopped`);
    await this.options.lock?.release();
    this.update({ phase: 'stopped' });
  }

  /** Publishes while this instance leads; returns only by throwing or when stopped. */
  private async lead(signal: AbortSignal): Promise<void> {
    const jsm = await jetstreamManager(this.options.nc);
    if (!this.streamsReady) {
      await ensureMessagingStreams(jsm, this.names, this.options.streamLimits);
      this.streamsReady = true;
    }
    let stored = await this.options.state.load();
    let position = await this.reconcile(jsm, stored);
    while (!signal.aborted) {
      if (this.options.lock && !this.options.lock.held) throw new RelayLockLostError(this.names.namespace);
      if (this.needsReconcile) {
        stored = await this.options.state.load();
        position = await this.reconcile(jsm, stored);
      }
      const { events } = await this.options.source.readAll(position, this.options.batchSize ?? 500);
      if (events.length === 0) {
        this.update({ phase: 'idle' });
        for (const resolve of this.idleWaiters.splice(0)) resolve();
        const idleMs = this.options.pollIntervalMs ?? 100;
        if (this.options.idleWait === undefined) await sleep(idleMs, signal).catch(() => undefined);
        else await this.options.idleWait.wait(idleMs, signal);
        continue;
      }
      this.update({ phase: 'publishing' });
      const outcome = await this.publish(events);
      if (outcome.acks.length > 0) {
        const lastEvent = events[outcome.acks.length - 1] as StoredEvent;
        const lastAck = outcome.acks[outcome.acks.length - 1] as PubAck;
        position = { transactionId: lastEvent.transactionId, globalPosition: lastEvent.globalPosition };
        // Behind the stored checkpoint (refilling a gap) there is nothing to save: it only moves forward.
        if (stored === null || compareCheckpoints(position, stored.checkpoint) > 0) {
          const next: RelayState = { checkpoint: position, streamSeq: lastAck.seq };
          await this.options.state.save(next, stored?.checkpoint ?? null);
          stored = next;
        }
        this.update({ position });
      }
      if (outcome.failure !== undefined) {
        this.needsReconcile = true;
        throw outcome.failure;
      }
    }
  }

  private async publish(events: readonly StoredEvent[]): Promise<{ acks: readonly PubAck[]; failure?: PublishBatchError }> {
    const messages = events.map((event) => toOutgoing(event, this.names, this.subjectFor));
    let acks: readonly PubAck[];
    let failure: PublishBatchError | undefined;
    try {
      acks = await this.publisher.publishBatch(messages, { maxInFlight: this.options.maxInFlight ?? 256 });
    } catch (error) {
      if (!(error instanceof PublishBatchError)) throw error;
      acks = error.acks;
      failure = error;
    }
    const duplicates = acks.filter((ack) => ack.duplicate).length;
    this.update({
      published: this.current.published + acks.length - duplicates,
      duplicates: this.current.duplicates + duplicates,
    });
    return failure === undefined ? { acks } : { acks, failure };
  }

  private async reconcile(jsm: JetStreamManager, stored: RelayState | null): Promise<Checkpoint | null> {
    this.needsReconcile = false;
    const tail = await readStreamTail(jsm, this.names.stream(StreamNames.EVENTS), decodeCheckpoint);
    const decision = decideResume(stored, tail);
    if (decision.reason !== 'CHECKPOINT' && decision.reason !== 'FRESH') {
      this.logger.warn(
        `Relay ${this.names.namespace}: ${decision.reason}, stream last seq ${tail.lastSeq} (stored ${stored?.streamSeq ?? 0}); ` +
          `resuming after ${decision.from ? `${decision.from.transactionId.toString()}:${decision.from.globalPosition.toString()}` : 'the start'}`,
      );
    }
    this.update({ lastResume: decision, position: decision.from });
    return decision.from;
  }

  private async watchReconnects(): Promise<void> {
    const statuses = this.options.nc.status();
    this.statuses = statuses;
    for await (const status of statuses) {
      // The server may have restarted and lost its unsynced tail: check before publishing more.
      if (status.type === 'reconnect') this.needsReconcile = true;
    }
  }

  private update(change: Partial<RelayStatus>): void {
    this.current = { ...this.current, ...change };
  }
}

// Read through a call: the compiler would otherwise keep `aborted` narrowed across awaits.
function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}

// nats.js returns a queued iterator with stop(); an async generator's return() would wait for an event.
function stopIterable(iterable: AsyncIterable<Status> | undefined): void {
  if (iterable && 'stop' in iterable && typeof iterable.stop === 'function') (iterable.stop as () => void)();
}
