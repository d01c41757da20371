import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDomainError, TransmissionErrorCode, type TransmissionCommand } from '@relais/domain';
import type { TransmitterConfig } from '../config.js';
import { TransmitterResources } from '../database/transmitter-resources.js';
import { TRANSMITTER_CONFIG } from '../tokens.js';
import { MailboxClient, type MailboxItem } from './mailbox-client.js';
import { replyCommand } from './reply.command.js';
import { matchReply } from './reply.match.js';
import { parseReply, type CancellationReply } from './reply.parse.js';
import { ReplyFormatError } from './reply.xml.js';


/** Replies recorded at once. */
const REPLIES_AT_ONCE = 16;
/** First key of the two-int advisory lock space for the mailbox reader: "TRNS" as an int4. */
const MAILBOX_LOCK_CLASS = 0x54524e53;
const MAILBOX_LOCK_NAME = 'transmitter-mailbox';
/** Replies whose problem was already logged, remembered so that each is logged once, not every poll. */
const MAX_REMEMBERED = 10_000;

/**
 * Reads the reply mailbox of every @ctes endpoint of the routing table, in a loop: each 1-2, 1-3 or 6-2
 * is matched to its transmission and recorded, and only once the event is committed is the reply
 * acknowledged in the mailbox. A reply that cannot be recorded yet (the transmission has nothing
 * delivered on record, say) stays for the next poll; one that matches nothing, or that the
 * transmitter does not read, stays for an operator and is logged once. One replica reads at a time
 * (a PostgreSQL advisory lock); the others skip their turn. Recording is idempotent anyway.
 */
@Injectable()
export class ReplyPoller implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ReplyPoller');
  private readonly stopping = new AbortController();
  private readonly reported = new Map<string, string>();
  private loop: Promise<void> | undefined;

  constructor(
    private readonly resources: TransmitterResources,
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

  private async handle(mailbox: MailboxClient, item: MailboxItem): Promise<void> {
    const key = `${mailbox.baseUrl}#${item.id}`;
    const where = `reply ${item.id} (${item.kind}) in the mailbox of ${mailbox.baseUrl}`;
    let reply;
    try {
      reply = parseReply(item.files);
    } catch (error) {
      if (!(error instanceof ReplyFormatError)) throw error;
      this.reportOnce(key, 'warn', `${where} is unreadable, left for an operator: ${error.message}`);
      return;
    }
    if (reply.kind === 'other') {
      this.reportOnce(key, 'warn', `${where} is a ${reply.root}, which the transmitter does not handle; left for an operator`);
      return;
    }
    if (reply.kind === 'ARAnnulation') {
      await this.handleCancellation(mailbox, item, reply, key, where);
      return;
    }
    const match = await matchReply(this.resources.archives, reply, item.receivedFor);
    if (match.kind === 'unmatched') {
      this.reportOnce(key, 'warn', `${where} matches no transmission (${match.why}); left for an operator`);
      return;
    }
    const { transmissionId } = match.archive;
    await this.record(mailbox, item, key, where, transmissionId, replyCommand(reply, transmissionId, new Date().toISOString()), reply.messageName, `${reply.kind} ${reply.idActe}`);
  }

  /**
   * Records the command a State message means and, only once it is committed, acknowledges the message
   * in the mailbox (acknowledged earlier, a crash would lose it). A message the transmission cannot
   * take yet waits for the next poll; one the domain refuses is left for an operator.
   */
  private async record(
    mailbox: MailboxClient,
    item: MailboxItem,
    key: string,
    where: string,
    transmissionId: string,
    command: TransmissionCommand,
    messageName: string,
    what: string,
  ): Promise<void> {
    try {
      const result = await this.resources.commands.execute(command, {
        causationId: `state-reply:${transmissionId}:${messageName}`,
        actor: 'transmitter',
      });
      if (result.events.length > 0) this.logger.log(`transmission ${transmissionId}: ${what} recorded`);
    } catch (error) {
      if (isDomainError(error, TransmissionErrorCode.InvalidTransition)) {
        this.reportOnce(key, 'log', `${where} waits: transmission ${transmissionId} cannot take it yet (${error.message})`);
        return;
      }
      if (isDomainError(error)) {
        this.reportOnce(key, 'warn', `${where} cannot be recorded on transmission ${transmissionId}, left for an operator: ${error.code} ${error.message}`);
        return;
      }
      throw error;
    }
    await mailbox.ack(item.id);
    this.reported.delete(key);
  }

  /**
   * A 6-2: matched to the transmission whose 6-1 named its IDActe (by the 6-1's archive name when the
   * mailbox gives it), recorded as RecordCancellation, and acknowledged in the mailbox only once committed.
   */
  private async handleCancellation(mailbox: MailboxClient, item: MailboxItem, reply: CancellationReply, key: string, where: string): Promise<void> {
    const candidates = await this.resources.cancellations.byIdActe(reply.idActe);
    const named = item.receivedFor === undefined ? undefined : candidates.find((candidate) => candidate.fileName === item.receivedFor);
    const [only] = candidates;
    const match = named ?? (candidates.length === 1 ? only : undefined);
    if (match === undefined) {
      this.reportOnce(key, 'warn', `${where} matches no 6-1 of ours for ${reply.idActe} (${candidates.length} found); left for an operator`);
      return;
    }
    const { transmissionId } = match;
    const command: TransmissionCommand = { type: 'RecordCancellation', data: { transmissionId, at: new Date().toISOString(), idActe: reply.idActe } };
    await this.record(mailbox, item, key, where, transmissionId, command, reply.messageName, `ARAnnulation ${reply.idActe}`);
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
