import type { Checkpoint, ReadAllResult } from '@relais/event-store';

/** What the relay reads: the event store's global order (`PostgresEventStore` fits). */
export interface OutboxSource {
  readAll(after: Checkpoint | null, limit: number): Promise<ReadAllResult>;
}

/** Where the relay stands, as stored. */
export interface RelayState {
  /** The log checkpoint of the last event whose PubAck came back. */
  readonly checkpoint: Checkpoint;
  /** The EVENTS stream sequence of that PubAck: tells a trimmed stream from one that lost data. */
  readonly streamSeq: number;
}

/** Storage of the relay's state (see `PostgresRelayStateStore`). */
export interface RelayStateStore {
  load(): Promise<RelayState | null>;
  /** Moves the state; fails if the stored checkpoint is no longer `expectedPrevious`. */
  save(next: RelayState, expectedPrevious: Checkpoint | null): Promise<void>;
}

/** Orders checkpoints as the log does: by transaction id, then global position. */
export function compareCheckpoints(a: Checkpoint, b: Checkpoint): number {
  if (a.transactionId !== b.transactionId) return a.transactionId < b.transactionId ? -1 : 1;
  if (a.globalPosition !== b.globalPosition) return a.globalPosition < b.globalPosition ? -1 : 1;
  return 0;
}
