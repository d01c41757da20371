import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import nodemailer from 'nodemailer';
import type { NotifierConfig } from '../config.js';
import { NotifierResources } from '../notifier.resources.js';
import { NOTIFIER_CONFIG } from '../tokens.js';
import { StuckAlerter } from './stuck-alerter.js';

/** Runs the stuck-transmission alerts every `scanMs` when they are configured; a round never overlaps the next. */
@Injectable()
export class StuckAlertService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('StuckAlerts');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    @Inject(NOTIFIER_CONFIG) private readonly config: NotifierConfig,
    private readonly resources: NotifierResources,
  ) {}

  onApplicationBootstrap(): void {
    const settings = this.config.stuckAlerts;
    if (settings === undefined) return;
    const alerter = new StuckAlerter(this.resources.pool, settings, nodemailer.createTransport(settings.smtpUrl));
    const round = (): void => {
      this.running = alerter.round().then(
        (r) => {
          if (r.sent + r.failed + r.movedOn > 0) this.logger.log(`stuck transmissions: ${String(r.found)} new, ${String(r.sent)} alerts sent, ${String(r.failed)} to retry, ${String(r.movedOn)} moved on`);
        },
        (error: unknown) => {
          this.logger.warn(`stuck-transmission round failed: ${error instanceof Error ? error.message : String(error)}`);
        },
      );
      void this.running.finally(() => {
        if (this.timer !== undefined) this.timer = setTimeout(round, settings.scanMs);
      });
    };
    this.timer = setTimeout(round, settings.scanMs);
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
