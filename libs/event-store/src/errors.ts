import type { Checkpoint, ExpectedVersion } from './types.js';

/**
 * Base of every error this library throws on purpose. `code` is stable: callers map it to a retry
 * decision or an HTTP status at their edge, never by matching the message.
 */
export abstract class EventStoreError extends Error {
  abstract readonly code: string;
}

/**
 * The stream was not in the state the caller expected: someone else appended first (or the stream
 * does/does not exist). Nothing was written; reload the stream, decide again, retry.
 */
export class WrongExpectedVersionError extends EventStoreError {
  readonly code = 'EVENT_STORE.WRONG_EXPECTED_VERSION';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    /** The stream's current version; 0n when the stream does not exist. */
    readonly actual: bigint,
  ) {
    super(`Stream ${streamId}: expected version ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedVersionError';
  }
}

/**
 * Some event ids of the append are stored already, but not as exactly this append (only some of them,
 * or in another stream, or in another order). Not a retry of a lost answer: a caller bug, never retried.
 */
export class EventIdConflictError extends EventStoreError {
  readonly code = 'EVENT_STORE.EVENT_ID_CONFLICT';
  constructor(
    readonly streamId: string,
    /** The ids of this append that are already stored. */
    readonly existingEventIds: readonly string[],
    reason: string,
  ) {
    super(`Stream ${streamId}: ${reason} (${existingEventIds.join(', ')})`);
    this.name = 'EventIdConflictError';
  }
}

/** The append itself is malformed (no events, a bad uuid, a payload jsonb cannot store…). Never retried. */
export class InvalidAppendError extends EventStoreError {
  readonly code = 'EVENT_STORE.INVALID_APPEND';
  constructor(
    readonly streamId: string,
    reason: string,
  ) {
    super(`Stream ${streamId}: ${reason}`);
    this.name = 'InvalidAppendError';
  }
}

/** The store was closed before this append was handed to it. */
export class EventStoreClosedError extends EventStoreError {
  readonly code = 'EVENT_STORE.CLOSED';
  constructor() {
    super('The event store is closed');
    this.name = 'EventStoreClosedError';
  }
}

/** A checkpoint string that `decodeCheckpoint` cannot read (a client sent a forged or truncated cursor). */
export class InvalidCheckpointError extends EventStoreError {
  readonly code = 'EVENT_STORE.INVALID_CHECKPOINT';
  constructor(readonly value: string) {
    super(`Invalid checkpoint: ${JSON.stringify(value)}`);
    this.name = 'InvalidCheckpointError';
  }
}

/**
 * Another instance of the consumer moved the checkpoint since it was loaded: this transaction must roll
 * back (its read-model writes with it) and the batch is processed again from the new checkpoint.
 */
export class CheckpointConflictError extends EventStoreError {
  readonly code = 'EVENT_STORE.CHECKPOINT_CONFLICT';
  constructor(
    readonly checkpointName: string,
    readonly expectedPrevious: Checkpoint | null,
  ) {
    super(`Checkpoint ${checkpointName} was moved by another consumer`);
    this.name = 'CheckpointConflictError';
  }
}
