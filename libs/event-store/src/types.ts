/** JSON as stored in a jsonb column. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** An event to append. `eventId` makes a retried append idempotent. */
export interface NewEvent {
  readonly eventId: string; // uuid
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata?: JsonObject;
}

/**
 * What the caller expects of the stream before the append:
 * a version number (the stream's current last version), `'no_stream'` (must not exist),
 * `'stream_exists'` (must exist) or `'any'`.
 */
export type ExpectedVersion = bigint | number | 'no_stream' | 'stream_exists' | 'any';

/** The answer to an append. */
export interface AppendResult {
  /** The stream's version after the append (the version of its last event). */
  readonly nextExpectedVersion: bigint;
  /** Global position of the last event appended. */
  readonly lastPosition: bigint;
  /** True when every event id was already stored: nothing new was written, the first result is returned. */
  readonly idempotentReplay: boolean;
}

/**
 * Where a reader of the global order stands. Events are read in `(transactionId, globalPosition)` order,
 * only below the oldest transaction still running, so a reader never skips an event whose
 * transaction committed after a later-numbered one.
 */
export interface Checkpoint {
  readonly transactionId: bigint;
  readonly globalPosition: bigint;
}

/** An event as stored in the `events` table. */
export interface StoredEvent {
  readonly globalPosition: bigint;
  readonly transactionId: bigint;
  readonly streamId: string;
  readonly streamVersion: bigint;
  readonly eventId: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
  /** Stored at microsecond precision. */
  readonly recordedAt: Date;
  /** sha256 of the previous event's hash in this stream and the event's canonical (RFC 8785) encoding. */
  readonly hash: Buffer;
}

export interface ReadStreamOptions {
  readonly fromVersion?: bigint | number;
  readonly toVersion?: bigint | number;
  /** Only the events recorded at or before this instant (time travel). */
  readonly asOf?: Date;
}

export interface ReadAllResult {
  readonly events: readonly StoredEvent[];
  /** Where to continue from (unchanged when nothing was read). */
  readonly checkpoint: Checkpoint;
}
