import type { EventEnvelope } from '../envelope.js';

/** What a handler knows of the message besides its decoded payload. */
export interface MessageContext {
  /**
   * The idempotency key of the message: the original `Nats-Msg-Id` (the event id for relayed events),
   * kept across dead-letter replays. Give it to `handleOnce`.
   */
  readonly messageId: string;
  /** The logical consumer name (without namespace). */
  readonly consumer: string;
  readonly subject: string;
  readonly stream: string;
  readonly streamSequence: number;
  /** 1 on the first delivery. */
  readonly deliveryCount: number;
  readonly envelope: EventEnvelope;
  readonly headers: Readonly<Record<string, string>>;
}

/** A handler: resolves once its work is committed; the message is acked only then. */
export type MessageHandler<T> = (payload: T, context: MessageContext) => Promise<void>;

/** Turns an envelope into what the handler expects, validating it; a throw dead-letters the message. */
export type MessageDecoder<T> = (envelope: EventEnvelope) => T | Promise<T>;
