import type { PubAck } from '@nats-io/jetstream';

/**
 * Base of every error this library throws on purpose. `code` is stable: callers map it to a retry
 * decision or a status at their edge, never by matching the message.
 */
export abstract class MessagingError extends Error {
  abstract readonly code: string;
}

/**
 * Thrown by a handler when retrying cannot help (the message is well formed but refers to something
 * that will never exist, say): the runner dead-letters the message at once instead of retrying it.
 * `errorCode` (e.g. `ACTE.UNKNOWN_SIREN`) is copied to the dead letter's headers.
 */
export class PermanentError extends MessagingError {
  readonly code = 'MESSAGING.PERMANENT';
  constructor(
    message: string,
    readonly errorCode?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'PermanentError';
  }
}

/** A namespace or consumer name that cannot be part of a stream, consumer or subject name. */
export class InvalidNameError extends MessagingError {
  readonly code = 'MESSAGING.INVALID_NAME';
  constructor(
    readonly kind: string,
    readonly value: string,
  ) {
    super(`Invalid ${kind} ${JSON.stringify(value)}: use letters, digits, '_' or '-'`);
    this.name = 'InvalidNameError';
  }
}

/** Options that contradict each other or the server's rules (caught before anything is sent). */
export class InvalidConfigError extends MessagingError {
  readonly code = 'MESSAGING.INVALID_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidConfigError';
  }
}

/** A message that cannot be decoded into what its handler expects: dead-lettered, never retried. */
export class DecodeError extends MessagingError {
  readonly code = 'MESSAGING.DECODE_FAILED';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DecodeError';
  }
}

/**
 * Part of a pipelined publish failed. The first `acks.length` messages have a PubAck (they are stored, in
 * order); nothing is known about the others, which must be published again.
 */
export class PublishBatchError extends MessagingError {
  readonly code = 'MESSAGING.PUBLISH_FAILED';
  constructor(
    /** The PubAcks of the messages acknowledged from the start of the batch, in order. */
    readonly acks: readonly PubAck[],
    readonly total: number,
    options?: ErrorOptions,
  ) {
    super(`Publish failed after ${acks.length} of ${total} messages were acknowledged`, options);
    this.name = 'PublishBatchError';
  }
}

/** No dead letter at this sequence of the DLQ stream (already replayed and removed, or never there). */
export class DeadLetterNotFoundError extends MessagingError {
  readonly code = 'MESSAGING.DEAD_LETTER_NOT_FOUND';
  constructor(readonly seq: number) {
    super(`No dead letter at sequence ${seq}`);
    this.name = 'DeadLetterNotFoundError';
  }
}

/** The relay lost its PostgreSQL advisory lock (its connection broke): it stops publishing at once. */
export class RelayLockLostError extends MessagingError {
  readonly code = 'MESSAGING.RELAY_LOCK_LOST';
  constructor(readonly lockName: string, options?: ErrorOptions) {
    super(`Relay lock ${lockName} lost`, options);
    this.name = 'RelayLockLostError';
  }
}

/** Gives the stable code of any error (ours, the event store's), or undefined. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}

/** A one-line description of anything thrown (class-validator rejects with an array of errors). */
export function describeError(error: unknown): string {
  if (Array.isArray(error)) return error.map((item) => describeError(item)).join('; ');
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  // class-validator's ValidationError has a readable toString(); plain objects read as JSON.
  if (typeof error === 'object' && error !== null) {
    const text = (error as { toString(): string }).toString();
    return (text === '[object Object]' ? JSON.stringify(error) : text).replace(/\s+/g, ' ').trim();
  }
  return String(error);
}
