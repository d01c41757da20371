import { Inject, Injectable, Logger } from '@nestjs/common';
import type { PackagedFile, Transmission } from '@relais/domain';
import { PermanentError } from '@relais/messaging';
import { findEndpoint } from '@relais/routing';
import type { ExecuteOptions } from '@relais/service-kit';
import { Packager } from '../archives/packager.js';
import { PackagingError } from '../archives/packaging.errors.js';
import type { TransmitterConfig } from '../config.js';
import { TransmitterResources } from '../database/transmitter-resources.js';
import { TRANSMITTER_CONFIG } from '../tokens.js';
import { postArchive } from './archive-post.js';
import { attemptsSoFar, nextStep, type AttemptOutcome } from './delivery.decision.js';

/** The message that asked for a delivery, as far as delivering needs it. */
export interface DeliveryRequest {
  readonly transmissionId: string;
  /** The message's idempotency key: the events it causes carry it. */
  readonly messageId: string;
  /** The broker's delivery number of the message (1 first). */
  readonly deliveryCount: number;
}

/**
 * Thrown once a failed attempt is recorded and another must follow: the consumer runner then hands the
 * message back to the broker, which brings it again after the policy's delay.
 */
export class DeliveryPostponedError extends Error {
  override readonly name = 'DeliveryPostponedError';
  readonly code = 'TRANSMITTER.DELIVERY_POSTPONED';

  constructor(
    readonly transmissionId: string,
    readonly attempt: number,
    reason: string,
  ) {
    super(`transmission ${transmissionId}: attempt ${attempt} did not get through (${reason}); next one after the delay`);
  }
}

/**
 * Delivers a routed acte to its @ctes endpoint, one attempt per message delivery: its archive built
 * and recorded once, then the same stored bytes POSTed under the same name every time, and each
 * attempt's fate recorded in the transmission's log. A transmission that is no longer `routed`
 * (sent, answered, given up) is left alone: a redelivered message does nothing.
 */
@Injectable()
export class DeliveryHandler {
  private readonly logger = new Logger('Delivery');

  constructor(
    private readonly resources: TransmitterResources,
    private readonly packager: Packager,
    @Inject(TRANSMITTER_CONFIG) private readonly config: TransmitterConfig,
  ) {}

  /**
   * Makes the next attempt. Resolves when the message is done with (sent, given up, failed for good,
   * or nothing to do); rejects with {@link DeliveryPostponedError} to be brought again later, with a
   * `PermanentError` when the message can never be handled, with anything else on an infrastructure
   * failure (retried by the broker, no attempt recorded).
   */
  async deliver(request: DeliveryRequest): Promise<void> {
    const { transmissionId } = request;
    const options: ExecuteOptions = { causationId: request.messageId, actor: 'transmitter' };
    const loaded = await this.resources.commands.load(transmissionId);
    const t = loaded.state;
    if (t.status === 'none') throw new PermanentError(`transmission ${transmissionId} does not exist`, 'TRANSMISSION.NOT_FOUND');
    if (t.status !== 'routed') {
      this.logger.debug(`transmission ${transmissionId} is ${t.status}: nothing to deliver`);
      return;
    }
    if (t.route?.channel !== 'actes') {
      throw new PermanentError(`transmission ${transmissionId}: only @ctes delivery is implemented`, 'TRANSMITTER.CHANNEL_NOT_SUPPORTED');
    }
    const attempt = t.lastAttempt + 1;
    let file: PackagedFile;
    let bytes: Buffer;
    try {
      file = await this.packager.ensurePackaged(t, options);
      bytes = await this.packager.bytesOf(file);
    } catch (error) {
      if (!(error instanceof PackagingError)) throw error;
      this.logger.error(`transmission ${transmissionId}: cannot be packaged: ${error.code} ${error.message}`);
      await this.recordFailure(t, attempt, false, `${error.code}: ${error.message}`, undefined, options);
      return;
    }

    const outcome = await this.attempt(t, file, bytes);
    const step = nextStep(outcome, {
      attemptsInRound: attemptsSoFar(loaded.events) + 1,
      maxAttempts: this.config.maxAttempts,
      deliveryCount: request.deliveryCount,
      retry: this.config.retry,
      now: new Date(),
    });
    switch (step.kind) {
      case 'record-sent':
        await this.resources.commands.execute(
          {
            type: 'RecordSent',
            data: { transmissionId, at: new Date().toISOString(), attempt, fileName: file.fileName, sha256: file.sha256 },
          },
          options,
        );
        this.logger.log(`transmission ${transmissionId}: ${file.fileName} taken by the State (attempt ${attempt})`);
        return;
      case 'retry-later':
        await this.recordFailure(t, attempt, true, step.reason, step.nextAttemptAt, options);
        throw new DeliveryPostponedError(transmissionId, attempt, step.reason);
      case 'give-up':
        await this.recordFailure(t, attempt, true, step.reason, undefined, options);
        await this.resources.commands.execute(
          { type: 'GiveUp', data: { transmissionId, at: new Date().toISOString(), reason: step.reason } },
          options,
        );
        this.logger.error(`transmission ${transmissionId}: delivery given up: ${step.reason}`);
        return;
      case 'fail':
        await this.recordFailure(t, attempt, false, step.reason, undefined, options);
        this.logger.error(`transmission ${transmissionId}: ${file.fileName} refused by the State: ${step.reason}`);
        return;
      default: {
        const unknown: never = step;
        throw new Error(`Unknown delivery step ${JSON.stringify(unknown)}`);
      }
    }
  }

  private async attempt(t: Transmission, file: PackagedFile, bytes: Buffer): Promise<AttemptOutcome> {
    const endpointId = t.route?.endpointId ?? '';
    const endpoint = findEndpoint(await this.resources.routing.current(), endpointId);
    if (endpoint === undefined) return { kind: 'unavailable', reason: `endpoint ${endpointId} is not in the routing table` };
    const outcome = await postArchive(endpoint.url, file.fileName, bytes, this.config.deliveryTimeoutMs);
    if (outcome.kind === 'taken' && outcome.answer !== 'accepted' && outcome.answer !== 'retry') {
      // Never expected: the State saw this acte in another archive, or other bytes under this name.
      this.logger.error(`transmission ${t.id}: the State answered « ${outcome.answer} » to ${file.fileName}`);
    }
    return outcome;
  }

  private async recordFailure(
    t: Transmission,
    attempt: number,
    retryable: boolean,
    reason: string,
    nextAttemptAt: string | undefined,
    options: ExecuteOptions,
  ): Promise<void> {
    await this.resources.commands.execute(
      {
        type: 'RecordDeliveryFailure',
        data: {
          transmissionId: t.id,
          at: new Date().toISOString(),
          attempt,
          retryable,
          reason,
          ...(nextAttemptAt === undefined ? {} : { nextAttemptAt }),
        },
      },
      options,
    );
  }
}
