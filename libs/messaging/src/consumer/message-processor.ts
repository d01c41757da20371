import type { JsMsg } from '@nats-io/jetstream';
import { publishDeadLetter, DeadLetterReasons, type DeadLetterReason } from '../dead-letter.js';
import { decodeEnvelope, type EventEnvelope } from '../envelope.js';
import { describeError, PermanentError } from '../errors.js';
import { fromMsgHdrs, RelaisHeaders } from '../headers.js';
import type { MessagingLogger } from '../logger.js';
import type { JetStreamPublisher } from '../publish.js';
import type { MessagingNames } from '../subjects.js';
import type { ConsumerRunnerOptions } from './consumer-runner.js';
import type { MessageContext } from './message-context.js';
import { retryDelayMs, type RetryPolicy } from './retry-policy.js';

/**
 * What happens to one delivered message: decode, handle, then ack; or nak with the policy's delay; or
 * dead-letter and terminate. Keeps running handlers alive on the server (`working`) and tracks the
 * confirmations of its acks.
 */
export class MessageProcessor<T> {
  /** Messages whose handler is running, with when it started. */
  private readonly handling = new Map<JsMsg, number>();
  /** Messages handed back at shutdown while their handler ran: whatever it ends with, they are not answered again. */
  private readonly handedBack = new Set<JsMsg>();
  /** Set once the shutdown's grace ran out: no handler starts any more. */
  private closing = false;
  private readonly pendingAcks = new Set<Promise<void>>();
  private workingTimer: NodeJS.Timeout | undefined;
  private readonly consumer: string;

  constructor(
    private readonly options: ConsumerRunnerOptions<T>,
    private readonly names: MessagingNames,
    private readonly publisher: JetStreamPublisher,
    private readonly retry: RetryPolicy,
    private readonly ackWaitMs: number,
    private readonly durable: string,
    private readonly logger: MessagingLogger,
  ) {
    this.consumer = options.consumer;
  }

  /**
   * One timer for all running handlers (not one per message): a slow but alive handler is not
   * redelivered to another instance mid-work.
   */
  start(): void {
    const every = this.ackWaitMs / 3;
    this.workingTimer = setInterval(() => {
      const now = Date.now();
      for (const [msg, startedAt] of this.handling) if (now - startedAt >= every) msg.working();
    }, every);
    this.workingTimer.unref();
  }

  stop(): void {
    clearInterval(this.workingTimer);
  }

  /**
   * Hands every message whose handler is still running back to the server (nak without delay), so that
   * another instance takes it at once rather than after the ack wait; their handlers' later outcome is
   * ignored: no ack for work that did not finish in time, no second answer. A handler that commits
   * after all is harmless: the instance that gets the message again finds it done (`handleOnce`).
   * Returns how many were handed back.
   */
  handBack(): number {
    this.closing = true;
    const running = [...this.handling.keys()];
    this.handling.clear();
    for (const msg of running) {
      this.handedBack.add(msg);
      msg.nak();
      this.logger.warn(`Consumer ${this.durable}: seq ${msg.info.streamSequence} handed back unfinished at shutdown`);
    }
    return running.length;
  }

  /** Resolves once every confirmation asked for so far has come back (or failed). */
  async acksSettled(): Promise<void> {
    await Promise.allSettled([...this.pendingAcks]);
  }

  async process(msg: JsMsg): Promise<void> {
    const headers = fromMsgHdrs(msg.headers);
    const replayFor = headers[RelaisHeaders.REPLAY_FOR];
    // A dead letter replayed for another consumer: this one handled the original already.
    if (replayFor !== undefined && replayFor !== this.consumer) {
      this.ack(msg);
      return;
    }
    const { deliveryCount } = msg.info;
    if (deliveryCount > this.retry.maxDeliver) {
      const reason = `delivery ${deliveryCount} of ${this.retry.maxDeliver} allowed: earlier deliveries were never answered`;
      return this.deadLetter(msg, DeadLetterReasons.DELIVERY_TIMEOUT, new Error(reason));
    }
    let envelope: EventEnvelope;
    let payload: T;
    try {
      envelope = decodeEnvelope(msg.data);
      payload = await this.options.decode(envelope);
    } catch (error) {
      return this.deadLetter(msg, DeadLetterReasons.DECODE_FAILED, error);
    }
    const context: MessageContext = {
      messageId: headers[RelaisHeaders.ORIGINAL_MSG_ID] ?? headers[RelaisHeaders.MSG_ID] ?? envelope.eventId,
      consumer: this.consumer,
      subject: msg.subject,
      stream: msg.info.stream,
      streamSequence: msg.info.streamSequence,
      deliveryCount,
      envelope,
      headers,
    };
    if (this.closing) {
      msg.nak();
      return;
    }
    this.handling.set(msg, Date.now());
    try {
      await this.options.handle(payload, context);
    } catch (error) {
      if (!this.wasHandedBack(msg)) await this.failed(msg, error);
      return;
    } finally {
      this.handling.delete(msg);
    }
    if (!this.wasHandedBack(msg)) this.ack(msg);
  }

  private wasHandedBack(msg: JsMsg): boolean {
    if (!this.handedBack.delete(msg)) return false;
    this.logger.warn(`Consumer ${this.durable}: seq ${msg.info.streamSequence} ended after it was handed back: not answered`);
    return true;
  }

  private async failed(msg: JsMsg, error: unknown): Promise<void> {
    const { deliveryCount } = msg.info;
    if (error instanceof PermanentError) return this.deadLetter(msg, DeadLetterReasons.PERMANENT_ERROR, error);
    if (deliveryCount >= this.retry.maxDeliver) return this.deadLetter(msg, DeadLetterReasons.HANDLER_FAILED, error);
    const delay = retryDelayMs(this.retry, deliveryCount);
    this.logger.warn(
      `Consumer ${this.durable}: seq ${msg.info.streamSequence} failed (delivery ${deliveryCount}), retry in ${delay} ms: ${describeError(error)}`,
    );
    msg.nak(delay);
  }

  private async deadLetter(msg: JsMsg, reason: DeadLetterReason, error: unknown): Promise<void> {
    try {
      await publishDeadLetter(this.publisher, this.names, this.consumer, msg, reason, error);
    } catch (publishError) {
      // Not terminated: it comes back, and is dead-lettered again on its next delivery.
      this.logger.error(`Consumer ${this.durable}: dead letter of seq ${msg.info.streamSequence} not stored: ${describeError(publishError)}`);
      msg.nak(retryDelayMs(this.retry, msg.info.deliveryCount));
      return;
    }
    this.logger.warn(`Consumer ${this.durable}: seq ${msg.info.streamSequence} dead-lettered (${reason}): ${describeError(error)}`);
    msg.term();
  }

  private ack(msg: JsMsg): void {
    if (this.options.ackMode === 'fast') {
      msg.ack();
      return;
    }
    // Confirmed, without holding the next message back; stop() waits for the confirmations.
    const confirmation = msg.ackAck().then(
      (ok) => {
        if (!ok) this.logger.warn(`Consumer ${this.durable}: ack of seq ${msg.info.streamSequence} refused`);
      },
      (error: unknown) => {
        // Redelivered later, then skipped by the handler's idempotency: harmless, worth knowing.
        this.logger.warn(`Consumer ${this.durable}: ack of seq ${msg.info.streamSequence} not confirmed: ${describeError(error)}`);
      },
    );
    const tracked = confirmation.finally(() => this.pendingAcks.delete(tracked));
    this.pendingAcks.add(tracked);
  }
}
