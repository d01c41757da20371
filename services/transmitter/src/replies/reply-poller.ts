import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { parsePrefectureMessage, PrefectureMessageError } from '@relais/actes';
import type { TransmitterConfig } from '../config.js';
import { TransmitterResources } from '../database/transmitter-resources.js';
import { drainServers, pollUntilStopped, ReportOnce, TRANSMITTER_LOCK_CLASS, withAdvisoryLock, type AdvisoryLock } from '../polling/polling.js';
import { TRANSMITTER_CONFIG } from '../tokens.js';
import { StateChannels } from '../channels/state-channels.js';
import type { MailboxSource } from '../channels/state-channel.js';
import type { MailboxItem } from './mailbox-client.js';
import { ReplyRecorder } from './reply.handler.js';

/** Replies recorded at once. */
const REPLIES_AT_ONCE = 16;
/** The mailbox reader's lock: one replica reads at a time. */
const MAILBOX_LOCK: AdvisoryLock = { classId: TRANSMITTER_LOCK_CLASS, name: 'transmitter-mailbox' };

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
  private readonly reports = new ReportOnce(this.logger);
  private loop: Promise<void> | undefined;

  constructor(
    private readonly resources: TransmitterResources,
    private readonly recorder: ReplyRecorder,
    private readonly channels: StateChannels,
    @Inject(TRANSMITTER_CONFIG) private readonly config: TransmitterConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.loop = pollUntilStopped(this.stopping.signal, this.config.pollIntervalMs, () => this.pollOnce(), this.logger);
  }

  /** One reading of every mailbox, if no other replica is reading them. */
  async pollOnce(): Promise<void> {
    await withAdvisoryLock(this.resources.pool, MAILBOX_LOCK, () => this.readMailboxes());
  }

  private async readMailboxes(): Promise<void> {
    const table = await this.resources.routing.current();
    // Replies concern different transmissions: several are recorded at once (each against its own
    // stream's version), as one at a time would cap acknowledgments at one per few round trips.
    await drainServers({
      sources: this.channels.mailboxes(table.endpoints),
      atOnce: REPLIES_AT_ONCE,
      signal: this.stopping.signal,
      reports: this.reports,
      describe: { item: (id, url) => `reply ${id} in the mailbox of ${url}`, server: (url) => `mailbox of ${url}` },
      handle: (mailbox, item: MailboxItem) => this.handle(mailbox, item),
    });
  }

  /**
   * Reads a message, records what it means and, only once that is committed, acknowledges it in the
   * mailbox (acknowledged earlier, a crash would lose it). One that cannot be taken yet waits for the
   * next poll; one unreadable, matching nothing or refused is set aside for an operator (a folder of its
   * own in an IMAP box; the simulator keeps it listed), logged once, never deleted.
   */
  private async handle(mailbox: MailboxSource, item: MailboxItem): Promise<void> {
    const key = `${mailbox.baseUrl}#${item.id}`;
    const where = `reply ${item.id} (${item.kind}) in the mailbox of ${mailbox.baseUrl}`;
    if (item.problem !== undefined) {
      await this.setAside(mailbox, item, key, `${where} cannot be read: ${item.problem}`);
      return;
    }
    if (item.archiveName === '') {
      await this.setAside(mailbox, item, key, `${where} has no archive name, which names the message in the log`);
      return;
    }
    let message;
    try {
      message = parsePrefectureMessage(item.files);
    } catch (error) {
      if (!(error instanceof PrefectureMessageError)) throw error;
      await this.setAside(mailbox, item, key, `${where} is unreadable: ${error.code} ${error.message}`);
      return;
    }
    const outcome = await this.recorder.record(message, item);
    switch (outcome.kind) {
      case 'recorded':
        if (outcome.changed) this.logger.log(`${outcome.what} recorded`);
        await mailbox.ack(item);
        this.reports.forget(key);
        return;
      case 'wait':
        this.reports.report(key, 'log', `${where} waits: ${outcome.why}`);
        return;
      case 'leave':
        await this.setAside(mailbox, item, key, `${where} ${outcome.why}`);
        return;
      default: {
        const unknown: never = outcome;
        throw new Error(`Unknown reply outcome ${JSON.stringify(unknown)}`);
      }
    }
  }

  private async setAside(mailbox: MailboxSource, item: MailboxItem, key: string, why: string): Promise<void> {
    await mailbox.setAside(item, why);
    this.reports.report(key, 'warn', `${why}; set aside for an operator`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }
}
