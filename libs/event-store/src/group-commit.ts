import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { type AppendOutcome, executeBatch, type PendingAppend } from './append.js';
import { sqlState, TRANSIENT_STATES, UNIQUE_VIOLATION } from './db.js';
import { withTransaction } from './transaction.js';
import type { AppendResult } from './types.js';

export interface GroupCommitOptions {
  /** What stamps each batch's `recorded_at`. */
  readonly clock: () => Date;
  /** Events per transaction, at most (an append larger than this still goes, alone). */
  readonly maxBatchEvents: number;
  /** Attempts of one batch on deadlock, serialisation failure or a race lost to another process. */
  readonly maxAttempts: number;
  /** Transactions in flight at once, each on its own connection, on disjoint streams. */
  readonly concurrency: number;
}

interface Queued {
  readonly append: PendingAppend;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Coalesces the appends of many callers into few transactions: up to `concurrency` batches in flight,
 * and whatever queues up meanwhile goes in the next ones. A lone caller pays no wait (its batch starts
 * at once); under load one commit's fsync is shared by a whole batch, and the batches in flight keep
 * both the database's cores and this process busy.
 *
 * A stream is in at most one batch in flight: appends to one stream are committed one batch after the
 * other, in call order, exactly as if sequential.
 */
export class GroupCommitter {
  private queue: Queued[] = [];
  private inFlight = 0;
  private scheduled = false;
  /** Streams and event ids of the batches in flight. */
  private readonly busyStreams = new Set<string>();
  private readonly busyIds = new Set<string>();
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: GroupCommitOptions,
  ) {}

  submit(append: PendingAppend): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ append, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // Let the callers of the current tick enqueue before a batch is cut.
        queueMicrotask(() => {
          this.scheduled = false;
          this.pump();
        });
      }
    });
  }

  /** Resolves once every append submitted so far has its answer. */
  idle(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Starts batches while there is room in flight and something that may go. */
  private pump(): void {
    while (this.inFlight < this.options.concurrency && this.queue.length > 0) {
      const batch = this.takeBatch();
      if (batch.length === 0) break;
      this.inFlight++;
      for (const { append } of batch) {
        this.busyStreams.add(append.streamId);
        for (const e of append.events) this.busyIds.add(e.eventId);
      }
      void this.commit(batch).finally(() => {
        this.inFlight--;
        for (const { append } of batch) {
          this.busyStreams.delete(append.streamId);
          for (const e of append.events) this.busyIds.delete(e.eventId);
        }
        this.pump();
        if (this.queue.length === 0 && this.inFlight === 0) {
          for (const resolve of this.idleWaiters.splice(0)) resolve();
        }
      });
    }
  }

  /**
   * Cuts the next batch in queue order. An append waits for a later batch when its stream, or one of
   * its event ids, is in this batch or in flight; so does every later append to that stream, which
   * keeps each stream's appends in call order.
   */
  private takeBatch(): Queued[] {
    const batch: Queued[] = [];
    const rest: Queued[] = [];
    const streams = new Set<string>();
    const ids = new Set<string>();
    const held = new Set<string>();
    let events = 0;
    let full = false;
    for (const item of this.queue) {
      const { streamId, events: appended } = item.append;
      full ||= batch.length > 0 && events + appended.length > this.options.maxBatchEvents;
      const blocked =
        full ||
        held.has(streamId) ||
        streams.has(streamId) ||
        this.busyStreams.has(streamId) ||
        appended.some((e) => ids.has(e.eventId) || this.busyIds.has(e.eventId));
      if (blocked) {
        held.add(streamId);
        rest.push(item);
        continue;
      }
      streams.add(streamId);
      for (const e of appended) ids.add(e.eventId);
      events += appended.length;
      batch.push(item);
    }
    this.queue = rest;
    return batch;
  }

  private async commit(batch: readonly Queued[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const outcomes = await this.transaction(batch.map((q) => q.append));
        outcomes.forEach((outcome, i) => {
          const item = batch[i] as Queued;
          if (outcome.ok) item.resolve(outcome.result);
          else item.reject(outcome.error);
        });
        return;
      } catch (error) {
        const state = sqlState(error);
        if (state === UNIQUE_VIOLATION && batch.length > 1) {
          // Another process won a race on an event id (streams are serialised by their locks):
          // each member now gets its own answer, from its own transaction.
          for (const item of batch) await this.commit([item]);
          return;
        }
        const retryable = state !== undefined && (TRANSIENT_STATES.has(state) || state === UNIQUE_VIOLATION);
        if (!retryable || attempt >= this.options.maxAttempts) {
          for (const item of batch) item.reject(error);
          return;
        }
        await sleep(Math.random() * 5 * attempt);
      }
    }
  }

  private transaction(appends: readonly PendingAppend[]): Promise<AppendOutcome[]> {
    return withTransaction(this.pool, (client) => executeBatch(client, appends, this.options.clock(), { begin: true }), { begunByWork: true });
  }
}
