import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { parsePrefectureMessage, PrefectureMessageError } from '@relais/actes';
import type { TransmitterConfig } from '../config.js';
import { TransmitterResources } from '../database/transmitter-resources.js';
import { TRANSMITTER_CONFIG } from '../tokens.js';
import { MailboxClient, type MailboxItem } from './mailbox-client.js';
import { ReplyRecorder } from './reply.handler.js';

/** Replies recorded at once. */
const REPLIES_AT_ONCE = 16;
/** First key of the two-int advisory lock space for the mailbox reader: "TRNS" as an int4. */
const MAILBOX_LOCK_CLASS = 0x54524e53;
const MAILBOX_LOCK_NAME = 'transmitter-mailbox';
/** Replies whose problem was already logged, remembered so that each is logged once, not every poll. */
const MAX_REMEMBERED = 10_000;

/**
 * Reads the reply mailbox of every @ctes endpoint of the routing table, in a loop: each préfecture
 * message (1-2 … 7-3, envelope anomalies) is read, matched to what it concerns and recorded
 * ({@link ReplyRecorder}), and only once the event is committed is it acknowledged in the mailbox. A
 * message that cannot be recorded yet (what it answers is not recorded as sent, say) stays for the next
 * poll; one unreadable, matching nothing, or refused stays for an operator and is logged once. One
 * replica reads at a time (a PostgreSQL advisory lock); the others skip their turn. Recording is
 * idempotent anyway.
 */
@Injectable()
export class ReplyPoller implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ReplyPoller');
  private readonly stopping = new AbortController();
  private readonly reported = new Map<string, string>();
  private loop: Promise<void> | undefined;

  constructor(
    private readonly resources: TransmitterResources,
    private readonly recorder: ReplyRecorder,
    @Inject(TRANSMITTER_CONFIG) private readonly config: TransmitterConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      try {
        await this.pollOnce();
      } catch (error) {
        this.logger.warn(`poll failed, trying again: ${describe(error)}`);
      }
      await sleep(this.config.pollIntervalMs, undefined, { signal: this.stopping.signal }).catch(() => undefined);
    }
  }

  /** One reading of every mailbox, if no other replica is reading them. */
  async pollOnce(): Promise<void> {
    const client = await this.resources.pool.connect();
    let broken: Error | undefined;
    try {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [
        MAILBOX_LOCK_CLASS,
        MAILBOX_LOCK_NAME,
      ]);
      if (rows[0]?.locked !== true) return;
      try {
        await this.readMailboxes();
      } finally {
        await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [MAILBOX_LOCK_CLASS, MAILBOX_LOCK_NAME]);
      }
    } catch (error) {
      broken = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      // A connection that failed is destroyed, which frees the lock whatever state it was in.
      client.release(broken);
    }
  }

  private async readMailboxes(): Promise<void> {
    const table = await this.resources.routing.current();
    const urls = [...new Set(table.endpoints.filter((endpoint) => endpoint.channel === 'actes').map((endpoint) => endpoint.url))];
    for (const url of urls) {
      const mailbox = new MailboxClient(url, this.config.deliveryTimeoutMs);
      try {
        // Replies concern different transmissions: several are recorded at once (each against its own
        // stream's version), as one at a time would cap acknowledgments at one per few round trips.
        const inFlight = new Set<Promise<void>>();
        for await (const item of mailbox.pending()) {
          if (this.stopping.signal.aborted) break;
          const task: Promise<void> = this.handle(mailbox, item)
            .catch((error: unknown) => {
              // Left where it is: the next poll tries again.
              this.reportOnce(`${url}#${item.id.toString()}`, 'warn', `reply ${item.id.toString()} in the mailbox of ${url} not handled: ${describe(error)}`);
            })
            .finally(() => inFlight.delete(task));
          inFlight.add(task);
          if (inFlight.size >= REPLIES_AT_ONCE) await Promise.race(inFlight);
        }
        await Promise.all(inFlight);
        if (this.stopping.signal.aborted) return;
        this.reported.delete(url);
      } catch (error) {
        this.reportOnce(url, 'warn', `mailbox of ${url} not read: ${describe(error)}`);
      }
    }
  }

  /**
   * Reads a message, records what it means and, only once that is committed, acknowledges it in the
   * mailbox (acknowledged earlier, a crash would lose it). One that cannot be taken yet waits for the
   * next poll; one unreadable, matching nothing or refused is left for an operator, logged once.
   */
  private async handle(mailbox: MailboxClient, item: MailboxItem): Promise<void> {
    const key = `${mailbox.baseUrl}#${item.id}`;
    const where = `reply ${item.id} (${item.kind}) in the mailbox of ${mailbox.baseUrl}`;
    if (item.archiveName === '') {
      this.reportOnce(key, 'warn', `${where} has no archive name, which names the message in the log; left for an operator`);
      return;
    }
    let message;
    try {
      message = parsePrefectureMessage(item.files);
    } catch (error) {
      if (!(error instanceof PrefectureMessageError)) throw error;
      this.reportOnce(key, 'warn', `${where} is unreadable, left for an operator: ${error.code} ${error.message}`);
      return;
    }
    const outcome = await this.recorder.record(message, item);
    switch (outcome.kind) {
      case 'recorded':
        if (outcome.changed) this.logger.log(`${outcome.what} recorded`);
        await mailbox.ack(item.id);
        this.reported.delete(key);
        return;
      case 'wait':
        this.reportOnce(key, 'log', `${where} waits: ${outcome.why}`);
        return;
      case 'leave':
        this.reportOnce(key, 'warn', `${where} ${outcome.why}; left for an operator`);
        return;
      default: {
        const unknown: never = outcome;
        throw new Error(`Unknown reply outcome ${JSON.stringify(unknown)}`);
      }
    }
  }

  private reportOnce(key: string, level: 'log' | 'warn', message: string): void {
    if (this.reported.get(key) === message) return;
    if (this.reported.size >= MAX_REMEMBERED) this.reported.clear();
    this.reported.set(key, message);
    this.logger[level](message);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
