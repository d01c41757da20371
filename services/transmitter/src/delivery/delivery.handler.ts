import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Channel, PackagedFile, Transmission } from '@relais/domain';
import { PermanentError } from '@relais/messaging';
import { findEndpoint, nextWindowStart, type Endpoint } from '@relais/routing';
import type { ExecuteOptions } from '@relais/service-kit';
import { Packager } from '../archives/packager.js';
import { PackagingError, PackagingErrorCode } from '../archives/packaging.errors.js';
import type { TransmitterConfig } from '../config.js';
import { TransmitterResources } from '../database/transmitter-resources.js';
import { pesRouting } from '../pes/pes-package.js';
import { PesPackager } from '../pes/pes-packager.js';
import { TRANSMITTER_CONFIG } from '../tokens.js';
import { StateChannels } from '../channels/state-channels.js';
import type { OutboundFile } from '../channels/state-channel.js';
import { attemptsSoFar, nextStep, type AttemptOutcome } from './delivery.decision.js';
import { EndpointTurns } from './transmission-windows.js';

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

/** The file every attempt sends, as recorded and as an endpoint's channel takes it. */
interface PreparedDelivery {
  readonly file: PackagedFile;
  readonly outbound: OutboundFile;
}

/**
 * Delivers a routed transmission to its endpoint, one attempt per message delivery, on the route's
 * channel: an acte's archive to @ctes, a PES file (its bytes as submitted, with its `P_MSG` route) to
 * Hélios. The file is named and recorded once, then the same stored bytes are POSTed under the same
 * name every time, and each attempt's fate recorded in the transmission's log. A transmission that is
 * no longer `routed` (sent, answered, given up) is left alone: a redelivered message does nothing.
 *
 * An endpoint with a transmission window takes at most its cap of bytes per window: before each
 * attempt the archive's size is reserved in the current window (an atomic update of the table shared
 * by every replica). When it does not fit, TransmissionDeliveryDeferred records the wait until the
 * next window and the delivery waits for it within the same message delivery (the consumer keeps the
 * message alive meanwhile), so a wait uses neither an attempt nor one of the broker's deliveries.
 * Within a process the deliveries to an endpoint take their turn in the order they reach this point,
 * and one that waits keeps its turn: none overtakes it.
 */
@Injectable()
export class DeliveryHandler {
  private readonly logger = new Logger('Delivery');
  private readonly turns = new EndpointTurns();
  /** Aborted at shutdown: waits for a window end at once, their messages going back to the broker. */
  private readonly stopping = new AbortController();

  constructor(
    private readonly resources: TransmitterResources,
    private readonly packager: Packager,
    private readonly pesPackager: PesPackager,
    private readonly channels: StateChannels,
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
    if (t.route === undefined) throw new PermanentError(`transmission ${transmissionId} is routed without a route`, 'TRANSMITTER.NO_ROUTE');
    const attempt = t.lastAttempt + 1;
    let prepared: PreparedDelivery;
    try {
      prepared = await this.prepare(t, t.route.channel, options);
    } catch (error) {
      if (!(error instanceof PackagingError)) throw error;
      this.logger.error(`transmission ${transmissionId}: cannot be packaged: ${error.code} ${error.message}`);
      await this.recordFailure(t, attempt, false, `${error.code}: ${error.message}`, undefined, options);
      return;
    }

    const { file } = prepared;
    const endpointId = t.route.endpointId;
    const endpoint = findEndpoint(await this.resources.routing.current(), endpointId);
    // When the attempt begins: the instant its bytes count in the endpoint's window, and TransmissionSent's time.
    const startedAt = endpoint?.window === undefined ? new Date() : await this.roomInWindow(t, endpointId, file, options);
    const outcome = await this.attempt(t, endpointId, prepared);
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
            data: { transmissionId, at: startedAt.toISOString(), attempt, fileName: file.fileName, sha256: file.sha256 },
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

  /**
   * The file of the transmission, named and recorded if it was not yet, checked present in the blob
   * store, and how each attempt reads it back (checked against its size and hash as it streams).
   * @throws PackagingError when the file cannot be made ready, whatever the number of tries
   */
  private async prepare(t: Transmission, channel: Channel, options: ExecuteOptions): Promise<PreparedDelivery> {
    const outbound = (file: PackagedFile, contentType: OutboundFile['contentType']): OutboundFile => ({
      fileName: file.fileName,
      size: file.size,
      contentType,
      open: () => this.packager.streamOf(file),
    });
    switch (channel) {
      case 'actes': {
        const file = await this.packager.ensurePackaged(t, options);
        await this.packager.checkStored(file); // fails now, as a packaging error, when the file is gone
        return { file, outbound: outbound(file, 'application/gzip') };
      }
      case 'helios': {
        const file = await this.pesPackager.ensurePackaged(t, options);
        if (t.submission.kind !== 'pes') {
          throw new PackagingError(PackagingErrorCode.NotAPesFile, `transmission ${t.id} is a ${t.submission.kind}, not a PES file`);
        }
        const routing = pesRouting(t.submission);
        await this.packager.checkStored(file); // fails now, as a packaging error, when the file is gone
        return { file, outbound: { ...outbound(file, 'application/xml'), pesRouting: routing } };
      }
      default: {
        const unknown: never = channel;
        throw new Error(`Unknown channel ${String(unknown)}`);
      }
    }
  }

  /** Ends every wait for a window at once (shutdown). */
  stopWaiting(): void {
    this.stopping.abort(new Error('the transmitter is stopping'));
  }

  /**
   * Waits until the package's bytes fit the endpoint's current window and reserves them there;
   * resolves with the instant of the reservation. Each wait is recorded (DeferDelivery) before it
   * begins: the head of the line records the next window's start; a newcomer that finds the head
   * waiting records the window the head waits for, since it cannot go before.
   */
  private async roomInWindow(t: Transmission, endpointId: string, file: PackagedFile, options: ExecuteOptions): Promise<Date> {
    const arrived = new Date();
    const ahead = this.turns.blockedUntil(endpointId);
    if (ahead !== undefined && ahead > arrived) {
      await this.defer(t, arrived, ahead, `earlier deliveries to ${endpointId} wait for its next transmission window`, options);
    }
    return this.turns.inTurn(endpointId, async () => {
      for (;;) {
        // Read again each time: an operator may change or lift the window while deliveries wait.
        const window = findEndpoint(await this.resources.routing.current(), endpointId)?.window;
        const now = new Date();
        if (window === undefined || (await this.resources.windows.reserve(endpointId, window, file.size, now))) {
          this.turns.unblock(endpointId);
          return now;
        }
        const until = nextWindowStart(window, now);
        this.turns.block(endpointId, until);
        const reason = `${endpointId} takes ${window.bytes} bytes per ${window.seconds} s window; ${file.fileName} (${file.size} bytes) waits for the next one`;
        await this.defer(t, now, until, reason, options);
        // Woken early by the timer, the loop finds the same window full and records nothing new.
        await sleep(Math.max(0, until.getTime() - Date.now()), undefined, { signal: this.stopping.signal });
      }
    });
  }

  private async defer(t: Transmission, at: Date, until: Date, reason: string, options: ExecuteOptions): Promise<void> {
    await this.resources.commands.execute(
      { type: 'DeferDelivery', data: { transmissionId: t.id, at: at.toISOString(), until: until.toISOString(), reason } },
      options,
    );
    this.logger.log(`transmission ${t.id}: delivery deferred until ${until.toISOString()}: ${reason}`);
  }

  private async attempt(t: Transmission, endpointId: string, prepared: PreparedDelivery): Promise<AttemptOutcome> {
    const endpoint: Endpoint | undefined = findEndpoint(await this.resources.routing.current(), endpointId);
    if (endpoint === undefined) return { kind: 'unavailable', reason: `endpoint ${endpointId} is not in the routing table` };
    const outcome = await this.channels.outbound(endpoint).send(prepared.outbound);
    if (outcome.kind === 'taken' && outcome.answer !== 'accepted' && outcome.answer !== 'retry') {
      // Never expected: the State saw this acte in another archive, this PES file with other bytes, or other bytes under this name.
      this.logger.error(`transmission ${t.id}: the State answered « ${outcome.answer} » to ${prepared.file.fileName}`);
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
