import { SetMetadata } from '@nestjs/common';
import type { MessageContext, MessageDecoder } from '../consumer/message-context.js';
import type { RetryPolicy } from '../consumer/retry-policy.js';
import type { StreamName, SubjectPattern } from '../subjects.js';
import { JETSTREAM_HANDLER } from './tokens.js';

/** Options of {@link JetStreamHandler}. */
export interface JetStreamHandlerOptions<T> {
  /** Logical consumer name: durable `<ns>_<consumer>`, dead letters on `<ns>.v1.dlq.<consumer>`. */
  readonly consumer: string;
  /** Default EVENTS. */
  readonly stream?: StreamName;
  /** e.g. `eventPattern('acte', 'ActeReceived')`. */
  readonly filterSubject: SubjectPattern;
  /** Envelope → validated payload; a throw dead-letters the message (DECODE_FAILED). */
  readonly decode: MessageDecoder<T>;
  /** See `RetryPolicy.maxDeliver` (default 10). */
  readonly maxDeliver?: number;
  /** See `RetryPolicy.backoffMs` (default 1 s doubling to 256 s). */
  readonly backoffMs?: RetryPolicy['backoffMs'];
  /** Default 30 s. */
  readonly ackWaitMs?: number;
  /** Default 1 (in order). */
  readonly concurrency?: number;
}

/** The metadata stored by the decorator (the payload type erased). */
export type JetStreamHandlerMetadata = JetStreamHandlerOptions<unknown>;

/**
 * Makes a provider or controller method the handler of a durable JetStream consumer, started at
 * application bootstrap and stopped at shutdown. The method receives the decoded payload and the
 * message context, and resolves once its work is committed: the message is acked only then. Keep it
 * thin: decode and validate here, orchestration in a handler class.
 */
export function JetStreamHandler<T>(options: JetStreamHandlerOptions<T>) {
  return (
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<(payload: T, context: MessageContext) => Promise<void>>,
  ): void => {
    SetMetadata(JETSTREAM_HANDLER, options)(target, key, descriptor);
  };
}
