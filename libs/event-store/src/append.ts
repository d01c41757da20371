import { beginLockAndReadState, InsertRows, insertRows, lockStreams, readState, type StoredId } from './append-sql.js';
import type { Queryable } from './db.js';
import { EventIdConflictError, type EventStoreError, WrongExpectedVersionError } from './errors.js';
import { canonicalEventJsonFromParts, chainHash, formatRecordedAt, GENESIS_HASH } from './hash.js';
import type { PreparedEvent } from './prepare.js';
import type { AppendResult, ExpectedVersion } from './types.js';

/** One caller's append, validated (see `prepareAppend`). */
export interface PendingAppend {
  readonly streamId: string;
  readonly expected: ExpectedVersion;
  readonly events: readonly PreparedEvent[];
}

export type AppendOutcome = { readonly ok: true; readonly result: AppendResult } | { readonly ok: false; readonly error: EventStoreError };

/**
 * Appends a batch of appends inside the caller's open transaction (READ COMMITTED), deciding each one
 * on its own: a failed expectation rejects that append only. Preconditions, kept by the group
 * committer: at most one append per stream, and no event id shared by two appends of the batch.
 *
 * Correctness rests on PostgreSQL, not on this process: every writer takes a transaction-level
 * advisory lock per stream (in key order, so concurrent batches cannot deadlock), and
 * UNIQUE(stream_id, stream_version) and UNIQUE(event_id) hold whatever happens.
 *
 * Why advisory locks rather than `SELECT … FOR UPDATE` on `streams`: locking a row gives the
 * transaction its id at once, before it waits for the next row. A batch could then take its id, wait
 * for a stream another batch holds, and append that stream's next versions with a *lower*
 * transaction id than the batch that committed the earlier versions; readAll, ordered by transaction
 * id, would hand out a stream's versions out of order. Advisory locks assign no transaction id, and
 * nothing here writes before every lock is held: the id comes with the INSERT, after the previous
 * holder of each stream has committed, so it is larger than that holder's.
 */
export async function executeBatch(
  client: Queryable,
  appends: readonly PendingAppend[],
  recordedAt: Date,
  options: { readonly begin?: boolean } = {},
): Promise<AppendOutcome[]> {
  const streamIds = appends.map((a) => a.streamId);
  const eventIds = appends.flatMap((a) => a.events.map((e) => e.eventId));
  // `begin`: the client is in no transaction yet, and the first round trip opens it with the locks.
  const { heads, stored } = options.begin === true ? await beginLockAndReadState(client, streamIds, eventIds) : await lockThenRead(client, streamIds, eventIds);

  const recordedAtText = formatRecordedAt(recordedAt);
  const rows = new InsertRows();
  const outcomes: (AppendOutcome | { readonly pending: bigint })[] = appends.map((append) => {
    const replay = checkReplay(append, stored);
    if (replay) return replay;
    const head = heads.get(append.streamId);
    const current = head?.version ?? 0n;
    if (!expectationHolds(append.expected, head !== undefined, current)) {
      return { ok: false, error: new WrongExpectedVersionError(append.streamId, append.expected, current) };
    }
    let previous = head?.lastHash ?? GENESIS_HASH;
    let version = current;
    for (const event of append.events) {
      version += 1n;
      previous = chainHash(previous, canonicalEventJsonFromParts(event.canonical, version, recordedAtText));
      rows.add(append.streamId, version, event, previous);
    }
    rows.head(append.streamId, version, previous);
    return { pending: version };
  });

  const lastPositions = rows.size > 0 ? await insertRows(client, rows, recordedAtText) : new Map<string, bigint>();
  return outcomes.map((outcome, i) => {
    if (!('pending' in outcome)) return outcome;
    const streamId = streamIds[i] as string;
    const lastPosition = lastPositions.get(streamId);
    if (lastPosition === undefined) throw new Error(`event-store: no position returned for stream ${streamId}`);
    return { ok: true, result: { nextExpectedVersion: outcome.pending, lastPosition, idempotentReplay: false } };
  });
}

async function lockThenRead(client: Queryable, streamIds: readonly string[], eventIds: readonly string[]): ReturnType<typeof readState> {
  await lockStreams(client, streamIds);
  // A statement after the locks: its snapshot sees what the previous holders committed.
  return readState(client, streamIds, eventIds);
}

function expectationHolds(expected: ExpectedVersion, exists: boolean, current: bigint): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return !exists;
    case 'stream_exists':
      return exists;
    default:
      return BigInt(expected) === current;
  }
}

/**
 * A retry after a lost answer carries the same event ids: when all of them are stored, in this stream,
 * as consecutive versions in the same order, the first result is given back and nothing is written.
 * Any other overlap is a caller bug and is refused.
 */
function checkReplay(append: PendingAppend, stored: ReadonlyMap<string, StoredId>): AppendOutcome | undefined {
  const found = append.events.filter((e) => stored.has(e.eventId)).map((e) => e.eventId);
  if (found.length === 0) return undefined;
  const conflict = (reason: string): AppendOutcome => ({
    ok: false,
    error: new EventIdConflictError(append.streamId, found, reason),
  });
  if (found.length < append.events.length) return conflict('some event ids of this append are already stored');
  const ids = append.events.map((e) => stored.get(e.eventId) as StoredId);
  const first = ids[0] as StoredId;
  const last = ids[ids.length - 1] as StoredId;
  const same = ids.every((s, i) => s.streamId === append.streamId && s.version === first.version + BigInt(i));
  if (!same) return conflict('these event ids are stored, but not as this append (other stream or order)');
  return { ok: true, result: { nextExpectedVersion: last.version, lastPosition: last.position, idempotentReplay: true } };
}
