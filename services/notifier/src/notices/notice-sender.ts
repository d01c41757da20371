import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { shutdownBudgetFromEnv } from '@relais/messaging';
import nodemailer, { type Transporter } from 'nodemailer';
import type { NotifierConfig } from '../config.js';
import { retryDelayMs } from '../deliveries/backoff.js';
import { NotifierResources } from '../notifier.resources.js';
import { NOTIFIER_CONFIG } from '../tokens.js';
import { NoticeOutbox, type ClaimedNoticeMail } from './notice-outbox.js';
import { PollPause } from '../deliveries/poll-pause.js';

/** Notices taken and sent at once. */
const BATCH = 8;
/** How long a notice taken stays with this sender: longer than an SMTP exchange may last (the timeouts below). */
const LEASE_MS = 5 * 60_000;
const SMTP_TIMEOUTS = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 } as const;

/** An SMTP 5xx: the server refuses for good (an unknown mailbox); trying again changes nothing. */
function isPermanent(error: unknown): boolean {
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/**
 * Sends the outbox of notices over SMTP (the alerts' server, RELAIS_SMTP_URL): takes the due ones, each
 * to its user's current address with its stored subject, text and Message-ID, and records the outcome.
 * A notice whose user was disabled meanwhile is cancelled; a refusal or an unreachable server is tried
 * again with the webhooks' backoff (NOTIFIER_RETRY_*), until NOTIFIER_GIVE_UP_AFTER_MS, except an SMTP
 * 5xx, which is final. A crash between the server's acceptance and the record sends it again, under
 * the same Message-ID, once its lease ran out.
 */
@Injectable()
export class NoticeSender implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('NoticeSender');
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly pauses = new PollPause();

  constructor(
    @Inject(NOTIFIER_CONFIG) private readonly config: NotifierConfig,
    private readonly resources: NotifierResources,
  ) {}

  onApplicationBootstrap(): void {
    const settings = this.config.notices;
    if (settings === undefined) {
      this.logger.log('RELAIS_SMTP_URL is not set: no e-mail notice is queued or sent');
      return;
    }
    const transport = nodemailer.createTransport({ url: settings.smtpUrl, ...SMTP_TIMEOUTS });
    this.running = true;
    this.loop = this.run(new NoticeOutbox(this.resources.pool), transport, settings.from);
  }

  /** Takes no more; the e-mails in flight get the shutdown's grace, then their lease hands them to the next sender. */
  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wake();
    const { graceMs } = shutdownBudgetFromEnv();
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([this.loop, graceOver]);
    clearTimeout(timer);
  }

  /** Something may be due now: look at the outbox without waiting. */
  wake(): void {
    this.pauses.wake();
  }

  private async run(outbox: NoticeOutbox, transport: Pick<Transporter, 'sendMail'>, from: string): Promise<void> {
    while (this.running) {
      this.pauses.rearm();
      let claimed: ClaimedNoticeMail[] = [];
      try {
        claimed = await outbox.claim(BATCH, LEASE_MS);
      } catch (error) {
        this.logger.warn(`cannot read the outbox of notices, will try again: ${String(error)}`);
      }
      await Promise.all(claimed.map((mail) => this.attempt(outbox, transport, from, mail)));
      if (claimed.length < BATCH) await this.pause();
    }
  }

  private pause(): Promise<void> {
    return this.running ? this.pauses.pause(this.config.delivery.pollIntervalMs) : Promise.resolve();
  }

  private async attempt(outbox: NoticeOutbox, transport: Pick<Transporter, 'sendMail'>, from: string, mail: ClaimedNoticeMail): Promise<void> {
    const what = `notice ${mail.id} (event ${mail.eventId} of ${mail.transmissionId}) to user:${mail.userId}`;
    try {
      if (mail.email === undefined) {
        await outbox.cancelled(mail.id);
        return;
      }
      let failure: { readonly message: string; readonly permanent: boolean } | undefined;
      try {
        await transport.sendMail({ from, to: mail.email, subject: mail.subject, text: mail.text, messageId: mail.messageId });
      } catch (error) {
        failure = { message: error instanceof Error ? error.message : String(error), permanent: isPermanent(error) };
      }
      if (failure === undefined) {
        await outbox.sent(mail.id);
        return;
      }
      const failures = mail.attempts + 1;
      const { message, permanent } = failure;
      const delayMs = retryDelayMs(failures, this.config.delivery);
      const state = await outbox.failed(mail.id, message, { delayMs, giveUpAfterMs: this.config.delivery.giveUpAfterMs, permanent });
      if (state === 'dead') this.logger.error(`${what} given up after ${String(failures)} attempts, last: ${message}`);
      else if (failures === 1 || failures % 10 === 0) this.logger.warn(`${what} failed (attempt ${String(failures)}: ${message}); next in ${String(delayMs)} ms`);
    } catch (error) {
      // The lease runs out and the notice is tried again: at least once, never lost.
      this.logger.warn(`cannot record the attempt of ${what}: ${String(error)}`);
    }
  }
}
