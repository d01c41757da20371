import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { shutdownBudgetFromEnv } from '@relais/messaging';
import { WEBHOOK_ADDRESS_NOT_ALLOWED } from '@relais/service-kit';
import type { NotifierConfig } from '../config.js';
import { NotifierResources } from '../notifier.resources.js';
import { NOTIFIER_CONFIG } from '../tokens.js';
import { retryDelayMs } from './backoff.js';
import type { ClaimedDelivery } from './delivery-outbox.js';
import { postGuarded } from './guarded-post.js';
import { shownBody } from './shown-body.js';
import { deliveryHeaders } from './signing.js';
import { PollPause } from './poll-pause.js';

/** What one attempt gave: delivered, or why not. */
export type AttemptOutcome = { readonly ok: true; readonly status: number } | { readonly ok: false; readonly error: string };

/** How often pending deliveries of removed webhooks are cancelled. */
const CANCEL_SWEEP_MS = 30_000;

/**
 * Sends the outbox: takes the due head of each line (transmission × webhook), POSTs it signed, and
 * records the outcome; a 2xx is delivered, anything else (another status, a timeout, a refused
 * connection) is tried again with exponential backoff until the delivery is a day old, then marked
 * dead and logged. Up to `concurrency` POSTs run at once, each of a different line; a delivery's
 * success wakes the sender at once for the next one of its line. Stopping waits for the POSTs in flight.
 */
@Injectable()
export class DeliverySender implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('DeliverySender');
  private readonly inFlight = new Set<Promise<void>>();
  /** Ids of the deliveries whose POST is in flight. */
  private readonly sending = new Set<string>();
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly pauses = new PollPause();
  private lastSweep = 0;

  constructor(
    @Inject(NOTIFIER_CONFIG) private readonly config: NotifierConfig,
    private readonly resources: NotifierResources,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  /**
   * Claims no more; the POSTs in flight get the shutdown's grace to be answered and recorded. Those
   * still waiting then are handed back (due again at once, for another sender) and left to end here.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wake();
    const { graceMs } = shutdownBudgetFromEnv();
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<false>((resolve) => {
      timer = setTimeout(resolve, graceMs, false);
    });
    const finished = await Promise.race([this.loop?.then(() => true), graceOver]);
    clearTimeout(timer);
    if (finished === false && this.sending.size > 0) {
      const ids = [...this.sending];
      this.logger.warn(`${ids.length.toString()} delivery(ies) not answered within ${graceMs.toString()} ms: handed back`);
      await this.resources.outbox.release(ids).catch((error: unknown) => {
        this.logger.warn(`cannot hand the deliveries back, they are due again when their lease ends: ${String(error)}`);
      });
    }
  }

  /** Something may be due now (a delivery added, or one done): look at the outbox without waiting. */
  wake(): void {
    this.pauses.wake();
  }

  private get settings(): NotifierConfig['delivery'] {
    return this.config.delivery;
  }

  private async run(): Promise<void> {
    while (this.running) {
      // A wake-up from here on ends the next pause at once.
      this.pauses.rearm();
      const free = this.settings.concurrency - this.inFlight.size;
      let claimed: ClaimedDelivery[] = [];
      if (free > 0) {
        try {
          await this.sweep();
          // The lease outlasts an attempt, so that no other sender takes a delivery in flight.
          claimed = await this.resources.outbox.claim(free, this.settings.requestTimeoutMs + 5_000);
        } catch (error) {
          this.logger.warn(`cannot read the outbox, will try again: ${String(error)}`);
        }
        for (const delivery of claimed) this.track(this.attempt(delivery));
      }
      // Filled every free slot: more may be due at once; otherwise wait for a wake-up or the next poll.
      if (free === 0 || claimed.length < free) await this.pause();
    }
    await Promise.all(this.inFlight);
  }

  private track(attempt: Promise<void>): void {
    this.inFlight.add(attempt);
    void attempt.finally(() => {
      this.inFlight.delete(attempt);
      this.wake();
    });
  }

  private pause(): Promise<void> {
    return this.running ? this.pauses.pause(this.settings.pollIntervalMs) : Promise.resolve();
  }

  private async sweep(): Promise<void> {
    if (Date.now() - this.lastSweep < CANCEL_SWEEP_MS) return;
    this.lastSweep = Date.now();
    const cancelled = await this.resources.outbox.cancelRemoved();
    if (cancelled > 0) this.logger.log(`${cancelled} pending deliveries of removed webhooks cancelled`);
  }

  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    this.sending.add(delivery.id);
    const outcome = await this.post(delivery);
    this.sending.delete(delivery.id);
    const { outbox } = this.resources;
    try {
      if (outcome.ok) {
        await outbox.delivered(delivery.id);
        return;
      }
      const failures = delivery.attempts + 1;
      const delay = retryDelayMs(failures, this.settings);
      const state = await outbox.failed(delivery.id, outcome.error, delay, this.settings.giveUpAfterMs);
      const what = `delivery ${delivery.id} (${delivery.eventType} of ${delivery.transmissionId}) to webhook ${delivery.webhookId}`;
      if (state === 'dead') {
        this.logger.error(
          `${what} given up after ${failures} attempts over ${Math.round((Date.now() - delivery.createdAt.getTime()) / 1000)} s, last: ${outcome.error}; the next notification of its line goes on`,
        );
      } else if (failures === 1 || failures % 10 === 0) {
        this.logger.warn(`${what} failed (attempt ${failures}: ${outcome.error}); next in ${delay} ms`);
      }
    } catch (error) {
      // The lease runs out and the delivery is tried again: at least once, never lost.
      this.logger.warn(`cannot record the attempt of delivery ${delivery.id}: ${String(error)}`);
    }
  }

  /**
   * One POST of the delivery's stored body, its personal fields opened, signed with its webhook's
   * secret; redirects are not followed. Only a public address is reached unless the settings allow
   * others: a refused one fails the attempt with `WEBHOOK.ADDRESS_NOT_ALLOWED` and sends nothing.
   */
  private async post(delivery: ClaimedDelivery): Promise<AttemptOutcome> {
    try {
      const body = await shownBody(this.resources.keys, delivery.body);
      const headers = deliveryHeaders({ deliveryId: delivery.id, eventType: delivery.eventType, secret: delivery.secret, body, now: new Date() });
      const status = await postGuarded({
        url: delivery.url,
        headers,
        body,
        timeoutMs: this.settings.requestTimeoutMs,
        allowPrivate: this.settings.allowPrivateAddresses,
      });
      if (status >= 200 && status < 300) return { ok: true, status };
      return { ok: false, error: `HTTP ${status}` };
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      // A refusal with a stable code keeps it in front, where the outbox's `last_error` shows it.
      const code = (error as { code?: unknown } | null)?.code;
      const prefix = code === WEBHOOK_ADDRESS_NOT_ALLOWED ? `${code}: ` : '';
      return { ok: false, error: `${prefix}${error instanceof Error ? error.message : String(error)}${cause}` };
    }
  }
}
