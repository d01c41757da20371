import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { packArchive } from '@relais/actes';
import { ChannelError, composePrefectureMail, ImapMailbox, readSecretFile } from '@relais/state-channels';
import type { StateSimConfig } from '../config.js';
import type { MailboxItem } from '../sim/mailbox.js';
import { SimService } from '../sim/sim.service.js';
import { STATE_SIM_CONFIG } from '../tokens.js';

/** The address the simulated préfecture mails from. */
export const PREFECTURE_SENDER = 'actes@prefecture.simulee.gouv.fr';

/**
 * The simulated préfecture's mail (DOMAIN.md §1.2, issue 6): each message it sends (1-2, 1-3, letters,
 * receipts, 6-2, 7-2, 7-3, envelope anomalies) is packed into its `.tar.gz` archive, attached to a mail
 * and stored in the operator's real IMAP mailbox (APPEND), then forgotten at `/sim/mailbox`. While the
 * mail server is away the messages wait and go on the next pass: none is lost; one stored just before
 * the server broke may be stored twice, which the operator's reader records once (its archive name
 * is the message's id in the log).
 */
@Injectable()
export class ImapBridge implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ImapBridge');
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;
  private lastProblem = '';
  /** The mailbox, kept between passes (its session reused while sound); dropped after a failure. */
  private mailbox: ImapMailbox | undefined;

  constructor(
    private readonly sim: SimService,
    @Inject(STATE_SIM_CONFIG) private readonly config: StateSimConfig,
  ) {}

  onApplicationBootstrap(): void {
    const imap = this.config.imap;
    if (imap === undefined) return;
    this.logger.log(`préfecture messages mailed to ${imap.username} at imaps://${imap.host}:${imap.port.toString()}`);
    this.loop = this.run(imap);
  }

  private async run(imap: NonNullable<StateSimConfig['imap']>): Promise<void> {
    while (!this.stopping.signal.aborted) {
      try {
        await this.mailPending(imap);
        this.lastProblem = '';
      } catch (error) {
        await this.mailbox?.close().catch(() => undefined);
        this.mailbox = undefined;
        const problem = error instanceof Error ? error.message : String(error);
        // Logged once per kind of failure, not every pass (the server's messages carry their time).
        const kind = error instanceof ChannelError ? error.code : problem;
        if (kind !== this.lastProblem) this.logger.warn(`mail server not reached, messages wait: ${problem}`);
        this.lastProblem = kind;
      }
      await sleep(this.config.bridgeIntervalMs, undefined, { signal: this.stopping.signal }).catch(() => undefined);
    }
  }

  /** Mails every message waiting in the simulated mailbox, oldest first, over the kept IMAP session. */
  async mailPending(imap: NonNullable<StateSimConfig['imap']>): Promise<void> {
    if (this.sim.listMailbox(0, 1).items.length === 0) return;
    this.mailbox ??= new ImapMailbox({
      host: imap.host,
      port: imap.port,
      username: imap.username,
      password: await readSecretFile(imap.passwordFile),
      ...(imap.caFile === undefined ? {} : { ca: await readFile(imap.caFile) }),
      connectTimeoutMs: 5_000,
      commandTimeoutMs: 10_000,
    });
    const { mailbox } = this;
    for (;;) {
      const { items } = this.sim.listMailbox(0, 50);
      if (items.length === 0 || this.stopping.signal.aborted) return;
      for (const item of items) {
        await mailbox.append(await mailOf(item, imap.username));
        this.sim.ackMailbox(item.id);
      }
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.loop;
    await this.mailbox?.close();
  }
}

/** The mail of one message: its archive attached under the archive's name. */
async function mailOf(item: MailboxItem, to: string): Promise<Buffer> {
  const archive = await packArchive(
    item.files.map((file) => ({ name: file.name, content: file.content })),
    new Date().toISOString().slice(0, 10),
  );
  return composePrefectureMail({
    from: PREFECTURE_SENDER,
    to,
    subject: `[@ctes] ${item.kind} ${item.archiveName}`,
    text: `Message ${item.kind} de la préfecture.`,
    attachments: [{ name: item.archiveName, content: archive.bytes, contentType: 'application/x-gzip' }],
  });
}
