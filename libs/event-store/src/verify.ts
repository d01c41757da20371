import type pg from 'pg';
import { eventRowTypes } from './db.js';
import { canonicalEventJson, chainHash, GENESIS_HASH, RECORDED_AT_SQL } from './hash.js';
import { onConnectionLost } from './transaction.js';
import type { JsonObject } from './types.js';

/**
 * Why a row breaks the chain: its hash does not match its content and predecessor (`hash_mismatch`:
 * an edited row); a version of its stream is missing before it or after it (`missing_event`: a deleted
 * row, reported at the row where the chain breaks, the stream's last remaining one for a deleted tail);
 * it lies beyond the head recorded in `streams`, or in a stream with no head (`inserted_event`); its
 * stream's versions are not in position order (`out_of_order`: swapped, duplicated or moved rows); or
 * the head recorded in `streams` does not match the stream's last event in any of those ways
 * (`stream_head_mismatch`: the head itself edited).
 */
export type BrokenReason = 'hash_mismatch' | 'missing_event' | 'inserted_event' | 'out_of_order' | 'stream_head_mismatch';

/** The part of the log to verify (default: all of it). */
export interface VerifyOptions {
  /** First global position to check (the chain before it is trusted). */
  readonly fromPosition?: bigint | number;
  /** Last global position to check; when set, stream heads are not compared. */
  readonly toPosition?: bigint | number;
  /** Told the number of events checked so far after each page (for a progress bar). */
  readonly onProgress?: (checked: number) => void;
}

/** What `verifyHashChain` found: `ok`, or the first broken row by global position. */
export interface VerifyResult {
  readonly ok: boolean;
  /** Events checked (the broken one included). */
  readonly checked: number;
  readonly firstBroken?: {
    /** `global_position` of the first row found broken (0n: a stream whose events are all gone). */
    readonly position: bigint;
    readonly reason: BrokenReason;
    readonly streamId: string;
  };
}

interface ChainState {
  readonly version: bigint;
  readonly hash: Buffer;
}

type VerifyRow = [bigint, string, bigint, string, string, JsonObject, JsonObject, string, Buffer];
type Broken = NonNullable<VerifyResult['firstBroken']>;

/** Tuning of `verifyHashChain`: rows per page, and streams whose chain end is kept in memory (beyond, it is looked up again). */
export interface ScanLimits {
  readonly page: number;
  readonly cache: number;
}

const LIMITS: ScanLimits = { page: 2_000, cache: 100_000 };

/**
 * Recomputes the per-stream hash chain over the log (see README.md), in global position order, in one
 * read-only snapshot (a transaction committing meanwhile cannot look like a gap), page by page with
 * bounded memory. Reports the first broken row by global position. A verification of the whole log
 * (no `toPosition`) also compares each stream's last event with the head recorded in `streams`.
 * A read-only transaction holds back no `readAll` reader, however long it runs.
 */
export async function verifyHashChain(pool: pg.Pool, options: VerifyOptions = {}, limits: ScanLimits = LIMITS): Promise<VerifyResult> {
  const client = await pool.connect();
  let released = false;
  // A lost connection fails the scan's query; the client is then discarded below.
  const stopListening = onConnectionLost(client, () => undefined);
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const scan = await scanChains(client, options, limits);
    const heads = options.toPosition === undefined ? await checkHeads(client) : undefined;
    const candidates = [scan.broken, heads].filter((b): b is Broken => b !== undefined);
    const first = candidates.sort((a, b) => (a.position < b.position ? -1 : 1))[0];
    const firstBroken = first && (await refine(client, first));
    await client.query('COMMIT');
    stopListening();
    client.release();
    released = true;
    return firstBroken ? { ok: false, checked: scan.checked, firstBroken } : { ok: true, checked: scan.checked };
  } finally {
    // After an error the session may still be inside the transaction: discard it rather than reuse it.
    if (!released) {
      stopListening();
      client.release(true);
    }
  }
}

/**
 * Names what happened to the broken row's stream when its recorded head tells: a row beyond the head
 * (or in a stream with no head) was inserted; a head beyond the stream's last row lost its tail.
 */
async function refine(client: pg.PoolClient, broken: Broken): Promise<Broken> {
  if (broken.reason !== 'hash_mismatch' && broken.reason !== 'stream_head_mismatch') return broken;
  const { rows } = await client.query<[bigint | null, bigint | null, bigint | null]>({
    text: `SELECT (SELECT version FROM streams WHERE stream_id = $1),
                  (SELECT stream_version FROM events WHERE global_position = $2),
                  (SELECT max(stream_version) FROM events WHERE stream_id = $1)`,
    values: [broken.streamId, broken.position.toString()],
    rowMode: 'array',
    types: eventRowTypes,
  });
  const [head, version, last] = rows[0] ?? [null, null, null];
  if (version !== null && (head === null || version > head)) return { ...broken, reason: 'inserted_event' };
  if (broken.reason === 'stream_head_mismatch' && head !== null && last !== null && last < head) return { ...broken, reason: 'missing_event' };
  return broken;
}

async function scanChains(client: pg.PoolClient, options: VerifyOptions, limits: ScanLimits): Promise<{ checked: number; broken?: Broken }> {
  const chains = new Map<string, ChainState>();
  const to = options.toPosition === undefined ? '9223372036854775807' : BigInt(options.toPosition).toString();
  let after = options.fromPosition === undefined ? 0n : BigInt(options.fromPosition) - 1n;
  let checked = 0;
  const page = (afterPosition: bigint): Promise<pg.QueryResult<VerifyRow>> =>
    client.query<VerifyRow>({
      text: `SELECT global_position, stream_id, stream_version, event_id::text, type, data, metadata,
                    ${RECORDED_AT_SQL}, hash
               FROM events WHERE global_position > $1 AND global_position <= $2
              ORDER BY global_position LIMIT $3`,
      values: [afterPosition.toString(), to, limits.page],
      rowMode: 'array',
      types: eventRowTypes,
    });
  // The next page is asked for as soon as this one arrives: the server reads it while this one is hashed.
  let next = page(after);
  for (;;) {
    const { rows } = await next;
    const lastRow = rows[rows.length - 1];
    if (lastRow) {
      next = page(lastRow[0]);
      // Settled even when a broken row ends the scan before it is read.
      next.catch(() => undefined);
    }
    if (rows.length === 0) return { checked };
    const predecessors = await findPredecessors(client, rows, chains);
    for (const row of rows) {
      checked++;
      const [position, streamId, version] = row;
      const state = chains.get(streamId) ?? predecessors.get(streamId);
      const reason = state ? await sequenceBreak(client, row, state) : await unknownPredecessor(client, row);
      if (reason) return { checked, broken: { position, reason, streamId } };
      const previous = state?.hash ?? GENESIS_HASH;
      const [, , , eventId, type, data, metadata, recordedAt, hash] = row;
      const computed = chainHash(previous, canonicalEventJson({ streamId, streamVersion: version, eventId, type, data, metadata, recordedAt }));
      if (!computed.equals(hash)) return { checked, broken: { position, reason: 'hash_mismatch', streamId } };
      // Delete first so the Map's insertion order is least-recently-used first.
      chains.delete(streamId);
      chains.set(streamId, { version, hash });
      after = position;
    }
    options.onProgress?.(checked);
    for (const key of chains.keys()) {
      if (chains.size <= limits.cache) break;
      chains.delete(key);
    }
  }
}

/** The stream's previous row, when this page meets a stream whose chain end is not in memory. */
async function findPredecessors(
  client: pg.PoolClient,
  rows: readonly VerifyRow[],
  chains: ReadonlyMap<string, ChainState>,
): Promise<Map<string, ChainState & { position: bigint }>> {
  const wanted = new Map<string, bigint>();
  const seen = new Set<string>();
  for (const [, streamId, version] of rows) {
    // Only the first row of a stream in the page can need its predecessor.
    if (!chains.has(streamId) && !seen.has(streamId) && version > 1n) wanted.set(streamId, version - 1n);
    seen.add(streamId);
  }
  if (wanted.size === 0) return new Map();
  const { rows: found } = await client.query<[string, bigint, Buffer, bigint]>({
    text: `SELECT e.stream_id, e.stream_version, e.hash, e.global_position
             FROM unnest($1::text[], $2::bigint[]) AS k(stream_id, stream_version)
             JOIN events e USING (stream_id, stream_version)`,
    values: [[...wanted.keys()], [...wanted.values()].map(String)],
    rowMode: 'array',
    types: eventRowTypes,
  });
  return new Map(found.map(([streamId, version, hash, position]) => [streamId, { version, hash, position }]));
}

/** The row follows a known chain end: anything but the next version is a break. */
async function sequenceBreak(
  client: pg.PoolClient,
  row: VerifyRow,
  state: ChainState & { position?: bigint },
): Promise<BrokenReason | undefined> {
  const [position, streamId, version] = row;
  if (state.position !== undefined && state.position > position) return 'out_of_order';
  if (version === state.version + 1n) return undefined;
  if (version <= state.version) return 'out_of_order';
  return (await positionOf(client, streamId, state.version + 1n)) === undefined ? 'missing_event' : 'out_of_order';
}

/** The row's stream has no earlier row in this scan and none was found before it. */
async function unknownPredecessor(client: pg.PoolClient, row: VerifyRow): Promise<BrokenReason | undefined> {
  const [, streamId, version] = row;
  if (version === 1n) return undefined;
  return (await positionOf(client, streamId, version - 1n)) === undefined ? 'missing_event' : 'out_of_order';
}

async function positionOf(client: pg.PoolClient, streamId: string, version: bigint): Promise<bigint | undefined> {
  const { rows } = await client.query<{ global_position: string }>(
    'SELECT global_position FROM events WHERE stream_id = $1 AND stream_version = $2',
    [streamId, version.toString()],
  );
  const row = rows[0];
  return row ? BigInt(row.global_position) : undefined;
}

/**
 * Each stream's recorded head (version, last hash) against its last event, both ways: catches a tail
 * deleted, or forged with a correctly computed hash, which the chain alone cannot see.
 */
async function checkHeads(client: pg.PoolClient): Promise<Broken | undefined> {
  const { rows } = await client.query<[string, bigint | null]>({
    text: `SELECT stream_id, position FROM (
             SELECT s.stream_id, e.global_position AS position
               FROM streams s
               LEFT JOIN LATERAL (
                 SELECT stream_version, hash, global_position FROM events
                  WHERE stream_id = s.stream_id ORDER BY stream_version DESC LIMIT 1
               ) e ON true
              WHERE e.stream_version IS DISTINCT FROM s.version OR e.hash IS DISTINCT FROM s.last_hash
             UNION ALL
             SELECT e.stream_id, min(e.global_position)
               FROM events e WHERE NOT EXISTS (SELECT 1 FROM streams s WHERE s.stream_id = e.stream_id)
              GROUP BY e.stream_id
           ) broken
           ORDER BY position NULLS FIRST LIMIT 1`,
    rowMode: 'array',
    types: eventRowTypes,
  });
  const row = rows[0];
  return row ? { position: row[1] ?? 0n, reason: 'stream_head_mismatch', streamId: row[0] } : undefined;
}
