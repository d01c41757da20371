import { Injectable } from '@nestjs/common';
import { anyActiveWebhook } from '@relais/service-kit';
import { NotifierResources } from '../notifier.resources.js';

interface Presence {
  readonly present: boolean;
  readonly asOf: Date;
}

/**
 * Whether any webhook exists, looked at once for every event handled meanwhile: while no collectivité
 * has one (a platform without webhooks), every event is dropped after one shared, indexed look instead
 * of a history read and a transaction each.
 */
@Injectable()
export class WebhookPresence {
  private presence: Presence | undefined;
  private looking: Promise<Presence> | undefined;

  constructor(private readonly resources: NotifierResources) {}

  /**
   * Whether a webhook registered before `recordedAt` may exist. The look must have started after the
   * event was recorded, so a webhook registered before the event is always seen.
   */
  async mayBeHeard(recordedAt: Date): Promise<boolean> {
    for (;;) {
      const known = this.presence;
      if (known !== undefined && known.asOf.getTime() > recordedAt.getTime()) return known.present;
      this.looking ??= anyActiveWebhook(this.resources.pool).then(
        (answer) => {
          this.presence = answer;
          this.looking = undefined;
          return answer;
        },
        (error: unknown) => {
          this.looking = undefined;
          throw error;
        },
      );
      const answer = await this.looking;
      if (answer.present) return true;
      if (answer.asOf.getTime() > recordedAt.getTime()) return false;
    }
  }
}
