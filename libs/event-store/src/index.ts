/**
 * The append-only PostgreSQL event log of Relais: group-committed appends with optimistic
 * concurrency and idempotent retries, reads by stream (with time travel) and in a global order that
 * never skips a late commit, a per-stream hash chain auditors can recompute (see README.md),
 * checkpoints committed with read models, an inbox for idempotent consumers, and the schema migration.
 */
export type {
  AppendResult,
  Checkpoint,
  ExpectedVersion,
  JsonObject,
  JsonValue,
  NewEvent,
  ReadAllResult,
  ReadStreamOptions,
  StoredEvent,
} from './types.js';
export { PostgresEventStore, type EventStoreOptions } from './event-store.js';
export {
  CheckpointConflictError,
  EventIdConflictError,
  EventStoreClosedError,
  EventStoreError,
  InvalidAppendError,
  InvalidCheckpointError,
  WrongExpectedVersionError,
} from './errors.js';
export { migrate, runMigrations, type MigrationSet } from './migrations/migrate.js';
export { decodeCheckpoint, encodeCheckpoint, loadCheckpoint, saveCheckpoint } from './checkpoints.js';
export { onConnectionLost, withTransaction } from './transaction.js';
export { appendInTransaction } from './append-in-transaction.js';
export { processNextBatch, type AllEventsReader, type ProcessedBatch } from './process-batch.js';
export { markProcessed } from './inbox.js';
export { defaultVerifyWorkers, verifyHashChain, type BrokenReason, type ScanLimits, type VerifyOptions, type VerifyResult } from './verify.js';
export {
  canonicalEventJson,
  eventHash,
  formatRecordedAt,
  GENESIS_HASH,
  RECORDED_AT_SQL,
  type HashedEvent,
} from './hash.js';
export { connectionSettingsOf, type Queryable } from './db.js';
export { APPENDED_CHANNEL, AppendWaker } from './append-waker.js';
export { readAllText } from './read-all.js';
export { storedEventFromText, type EventTextRow } from './stored-event.js';
export {
  exportSeal,
  GENESIS_DIGEST,
  importSeal,
  type ExportedSeal,
  type Seal,
  SealDigest,
  sealDigest,
} from './seals/seal.js';
export {
  lastSeal,
  listSeals,
  sealNext,
  type SealBrokenReason,
  type SealPolicy,
  type SealVerifyOptions,
  type SealVerifyResult,
  verifySeals,
} from './seals/seal-store.js';
