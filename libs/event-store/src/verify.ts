import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type pg from 'pg';
import { connectionSettingsOf, eventRowTypes } from './db.js';
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

/** The part of the log to verify (default: all of it), and how. */
export interface VerifyOptions {
  /** First global position to check (the chain before it is trusted). */
  readonly fromPosition?: bigint | number;
  /** Last global position to check; when set, stream heads are not compared. */
  readonly toPosition?: bigint | number;
  /** Told the number of events checked so far after each page (for a progress bar). */
  readonly onProgress?: (checked: number) => void;
  /**
   * Worker threads sharing the scan, each over a contiguous part of the positions, on its own
   * connection, in the same snapshot (default: `defaultVerifyWorkers()`). 0 or 1: the scan runs in
   * this thread. The answer is the same either way.
   */
  readonly workers?: number;
  /** The compiled worker script (default: `verify-worker.js` beside this module). */
  readonly workerScript?: URL;
}

/** What `verifyHashChain` found: `ok`, or the first broken row by global position. */
export interface VerifyResult {
  readonly ok: boolean;
  /**
   * Events checked in position order up to the first broken one, included (all of them when the log
   * is intact). With workers, ranges after the one holding the first break are not counted, whatever
   * they had checked when told to stop: the count is the one-thread scan's.
   */
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

const WORKER_SCRIPT = new URL('./verify-worker.js', import.meta.url);

/**
 * The default number of worker threads: one per core up to 4 when the compiled worker is there, and
 * 0 (the scan in the calling thread) when this module runs from its TypeScript source (under Jest),
 * beside which there is no `verify-worker.js` to start.
 */
export function defaultVerifyWorkers(): number {
  return existsSync(fileURLToPath(WORKER_SCRIPT)) ? Math.min(4, availableParallelism()) : 0;
}

/**
 * Recomputes the per-stream hash chain over the log (see README.md), in global position order, in one
 * read-only snapshot (a transaction committing meanwhile cannot look like a gap), page by page with
 * bounded memory. Reports the first broken row by global position. A verification of the whole log
 * (no `toPosition`) also compares each stream's last event with the head recorded in `streams`.
 * A read-only transaction holds back no `readAll` reader, however long it runs.
 *
 * The scan is CPU-bound (jsonb parsing, RFC 8785, SHA-256): with `workers` >= 2 it is split among
 * worker threads that import this transaction's snapshot, and the answer (first broken row, reason,
 * count) is the one this thread would have found alone (see `scanChains` and `combineRanges`).
 */
export async function verifyHashChain(pool: pg.Pool, options: VerifyOptions = {}, limits: ScanLimits = LIMITS): Promise<VerifyResult> {
  const workers = options.workers ?? defaultVerifyWorkers();
  if (!Number.isInteger(workers) || workers < 0) throw new RangeError(`workers must be a whole number, not ${String(workers)}`);
  const from = options.fromPosition === undefined ? 1n : BigInt(options.fromPosition);
  const range: ScanRange = {
    from,
    to: options.toPosition === undefined ? MAX_POSITION : BigInt(options.toPosition),
    trustedFrom: from,
  };
  const whole = options.toPosition === undefined;
  const client = await pool.connect();
  let released = false;
  // A lost connection fails the scan's query; the client is then discarded below.
  const stopListening = onConnectionLost(client, () => undefined);
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    let scan: ScanResult;
    let heads: Broken | undefined;
    if (workers >= 2) {
      const script = options.workerScript ?? WORKER_SCRIPT;
      [scan, heads] = await scanInWorkers(pool, client, range, whole, { workers, script, limits, onProgress: options.onProgress });
    } else {
      scan = await scanChains(client, range, limits, { onProgress: options.onProgress });
      heads = whole ? await checkHeads(client) : undefined;
    }
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

const MAX_POSITION = 9223372036854775807n;

interface WorkerSettings {
  readonly workers: number;
  readonly script: URL;
  readonly limits: ScanLimits;
  readonly onProgress: ((checked: number) => void) | undefined;
}

/**
 * The scan split among worker threads: the snapshot's positions cut into contiguous ranges, each
 * scanned by a worker on its own connection that imports this transaction's snapshot, while this
 * connection compares the stream heads. The transaction stays open until every worker is done: a
 * snapshot can only be imported while the transaction that exported it is open, and the heads and
 * `refine` read it too.
 */
async function scanInWorkers(
  pool: pg.Pool,
  client: pg.PoolClient,
  range: ScanRange,
  whole: boolean,
  settings: WorkerSettings,
): Promise<[ScanResult, Broken | undefined]> {
  if (settings.script.protocol === 'file:' && !existsSync(fileURLToPath(settings.script))) {
    throw new Error(`${fileURLToPath(settings.script)} is missing: build @relais/event-store, or verify with workers: 0`);
  }
  // This transaction then waits idle for the workers: a database's idle_in_transaction_session_timeout
  // must not end it (being read-only, it holds back nobody).
  await client.query('SET LOCAL idle_in_transaction_session_timeout = 0');
  const exported = await client.query<{ id: string }>('SELECT pg_export_snapshot() AS id');
  const snapshot = exported.rows[0]?.id;
  const { rows } = await client.query<[bigint | null, bigint | null]>({
    text: 'SELECT min(global_position), max(global_position) FROM events WHERE global_position >= $1 AND global_position <= $2',
    values: [range.from.toString(), range.to.toString()],
    rowMode: 'array',
    types: eventRowTypes,
  });
  const [first, last] = rows[0] ?? [null, null];
  if (snapshot === undefined || first === null || last === null) return [{ checked: 0 }, whole ? await checkHeads(client) : undefined];
  const connection = await connectionSettingsOf(pool);
  // Nothing lies between the verification's start and `first`: every range trusts what precedes `first`.
  const jobs = splitPositions(first, last, settings.workers).map(
    (part): VerifyWorkerData => ({ connection, snapshot, range: { ...part, trustedFrom: first }, limits: settings.limits }),
  );
  const stop = new AbortController();
  const scanning = runWorkers(settings.script, jobs, settings.onProgress, stop.signal);
  try {
    return await Promise.all([scanning, whole ? checkHeads(client) : undefined]);
  } catch (error) {
    // The heads' query fails with its connection, which the caller discards; the threads end here.
    stop.abort();
    await scanning.catch(() => undefined);
    throw error;
  }
}

/**
 * `parts` contiguous ranges of about the same number of positions covering [first, last] (fewer when
 * there are fewer positions).
 */
export function splitPositions(first: bigint, last: bigint, parts: number): { from: bigint; to: bigint }[] {
  const span = last - first + 1n;
  if (span <= 0n || parts < 1) return [];
  const n = BigInt(parts) < span ? BigInt(parts) : span;
  return Array.from({ length: Number(n) }, (_, i) => ({
    from: first + (span * BigInt(i)) / n,
    to: first + (span * BigInt(i + 1)) / n - 1n,
  }));
}

/**
 * The answer of one scan over every range, from the answers of the ranges (in position order), as
 * soon as it is known: the first broken row of the first range holding one, with the rows of the
 * intact ranges before it and its own rows up to that one; undefined while an earlier range still
 * runs. Ranges after a broken one do not matter.
 */
export function combineRanges(answers: readonly (ScanResult | undefined)[]): ScanResult | undefined {
  let checked = 0;
  for (const answer of answers) {
    if (answer === undefined) return undefined;
    checked += answer.checked;
    if (answer.broken) return { checked, broken: answer.broken };
  }
  return { checked };
}

/** What `verify-worker.js` is started with: all of it crosses to the thread by structured clone. */
export interface VerifyWorkerData {
  readonly connection: pg.ClientConfig;
  readonly snapshot: string;
  readonly range: ScanRange;
  readonly limits: ScanLimits;
}

/** What `verify-worker.js` posts back: its count after each page, then its answer or its failure. */
export type VerifyWorkerMessage =
  | { readonly kind: 'progress'; readonly checked: number }
  | { readonly kind: 'done'; readonly result: ScanResult }
  | { readonly kind: 'failed'; readonly message: string; readonly code?: string };

/** Posted to a worker whose range can no longer hold the first break. */
export const STOP = 'stop';

/**
 * Runs one worker per job and resolves with the combined answer, or rejects as soon as a worker fails
 * (an error posted or thrown, an exit without an answer) or `abandon` aborts. Every thread has ended
 * (or been terminated) when it settles. A worker that finds a break tells those after it to stop.
 */
function runWorkers(
  script: URL,
  jobs: readonly VerifyWorkerData[],
  onProgress: ((checked: number) => void) | undefined,
  abandon: AbortSignal,
): Promise<ScanResult> {
  return new Promise<ScanResult>((resolve, reject) => {
    const answers: (ScanResult | undefined)[] = jobs.map(() => undefined);
    const progress = jobs.map(() => 0);
    const stopped = new Set<number>();
    const threads: Worker[] = [];
    let settled = false;
    const settle = (outcome: { result: ScanResult } | { error: Error }): void => {
      if (settled) return;
      settled = true;
      abandon.removeEventListener('abort', onAbandon);
      void Promise.allSettled(threads.map((thread) => thread.terminate())).then(() => {
        if ('error' in outcome) reject(outcome.error);
        else resolve(outcome.result);
      });
    };
    const onAbandon = (): void => {
      settle({ error: new Error('verification abandoned') });
    };
    const where = (i: number): string => `verify worker for positions ${String(jobs[i]?.range.from)}..${String(jobs[i]?.range.to)}`;
    const heard = (i: number, message: VerifyWorkerMessage): void => {
      if (settled || stopped.has(i)) return;
      switch (message.kind) {
        case 'progress':
          progress[i] = message.checked;
          onProgress?.(progress.reduce((a, b) => a + b, 0));
          return;
        case 'failed':
          settle({ error: Object.assign(new Error(`${where(i)}: ${message.message}`), message.code === undefined ? {} : { code: message.code }) });
          return;
        case 'done': {
          answers[i] = message.result;
          if (message.result.broken) {
            for (let j = i + 1; j < threads.length; j++) {
              if (answers[j] === undefined && !stopped.has(j)) {
                stopped.add(j);
                threads[j]?.postMessage(STOP);
              }
            }
          }
          const result = combineRanges(answers);
          if (result) settle({ result });
        }
      }
    };
    abandon.addEventListener('abort', onAbandon);
    try {
      for (const [i, workerData] of jobs.entries()) {
        const thread = new Worker(script, { workerData });
        threads.push(thread);
        thread.on('message', (message: VerifyWorkerMessage) => {
          heard(i, message);
        });
        thread.on('messageerror', (error) => {
          settle({ error });
        });
        thread.on('error', (error) => {
          if (!stopped.has(i)) settle({ error: new Error(`${where(i)}: ${error.message}`, { cause: error }) });
        });
        // Messages posted before a thread ends arrive before its 'exit'.
        thread.on('exit', (code) => {
          if (answers[i] === undefined && !stopped.has(i)) settle({ error: new Error(`${where(i)} ended (exit code ${String(code)}) without an answer`) });
        });
      }
    } catch (error) {
      // A Worker that cannot start, or settings that do not clone (a function in the pool's ssl options).
      settle({ error: error instanceof Error ? error : new Error(String(error)) });
    }
  });
}


/**
 * Opens, on a worker's connection, a read-only transaction that sees exactly what the verification's
 * own transaction sees (the snapshot it exported). PostgreSQL imports a snapshot only into a
 * REPEATABLE READ or SERIALIZABLE transaction, before its first query.
 */
export async function beginInSnapshot(client: pg.ClientBase, snapshot: string): Promise<void> {
  // SET takes no parameters: the id (such as 00000003-0000001B-1) is checked before it is quoted.
  if (!/^[0-9A-Fa-f-]+$/.test(snapshot)) throw new Error(`not a snapshot id: ${snapshot}`);
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  await client.query(`SET TRANSACTION SNAPSHOT '${snapshot}'`);
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

/** The positions one scan checks. */
export interface ScanRange {
  /** First and last global positions checked. */
  readonly from: bigint;
  readonly to: bigint;
  /**
   * Where the verification as a whole starts (at most `from`): the chain before it is trusted, and
   * the rows between it and `from` are checked by another scan (another worker's range).
   */
  readonly trustedFrom: bigint;
}

/** What one scan found: the rows it checked, up to and including the first broken one. */
export interface ScanResult {
  readonly checked: number;
  readonly broken?: VerifyResult['firstBroken'];
}

/**
 * Checks the rows of `range` in position order, page by page (see `verifyHashChain`), in the caller's
 * transaction. `signal` ends the scan (with its error) between pages.
 *
 * A row is compared with its stream's chain end: the stream's last row checked since `trustedFrom`,
 * kept in memory while the cache has room, or else (a stream evicted, met first in this range, or
 * whose history is trusted) its previous version, looked up. Where the two could differ (only at a row
 * that breaks the chain either way), `findPredecessors` looks up the former, so that neither the
 * reason nor the count depends on the cache's size or on where the ranges of a split scan begin.
 */
export async function scanChains(
  client: pg.ClientBase,
  range: ScanRange,
  limits: ScanLimits,
  control: { readonly onProgress?: ((checked: number) => void) | undefined; readonly signal?: AbortSignal } = {},
): Promise<ScanResult> {
  const chains = new Map<string, ChainState>();
  // Whether some row checked since trustedFrom may have its chain end outside memory.
  let forgetful = range.from > range.trustedFrom;
  const to = range.to.toString();
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
  let next = page(range.from - 1n);
  for (;;) {
    const { rows } = await next;
    const lastRow = rows[rows.length - 1];
    if (lastRow) {
      next = page(lastRow[0]);
      // Settled even when a broken row ends the scan before it is read.
      next.catch(() => undefined);
    }
    if (rows.length === 0) return { checked };
    const predecessors = await findPredecessors(client, rows, chains, forgetful ? range.trustedFrom : undefined);
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
    }
    control.onProgress?.(checked);
    for (const key of chains.keys()) {
      if (chains.size <= limits.cache) break;
      chains.delete(key);
      forgetful = true;
    }
    control.signal?.throwIfAborted();
  }
}

/**
 * The chain end to compare with, for each stream met in this page without one in memory: its previous
 * version. When the scan may have forgotten chain ends (`trustedFrom` given), that version found
 * between `trustedFrom` and the row is the stream's last row checked (the rows before all passed, so
 * its versions there follow one another). Found elsewhere (before `trustedFrom`, after the row) or not
 * at all, it may not be: the stream's last row since `trustedFrom` before this one, if there is one, is
 * looked up and returned instead. The row breaks the chain either way; the chain end a scan that forgot
 * nothing would have held names the same reason as that scan (`missing_event` rather than
 * `out_of_order` when the version after it is the one missing).
 */
async function findPredecessors(
  client: pg.ClientBase,
  rows: readonly VerifyRow[],
  chains: ReadonlyMap<string, ChainState>,
  trustedFrom: bigint | undefined,
): Promise<Map<string, ChainState & { position: bigint }>> {
  const wanted = new Map<string, { version: bigint; position: bigint }>();
  const seen = new Set<string>();
  for (const [position, streamId, version] of rows) {
    // Only the first row of a stream in the page can need its predecessor.
    if (!chains.has(streamId) && !seen.has(streamId) && version > 1n) wanted.set(streamId, { version, position });
    seen.add(streamId);
  }
  if (wanted.size === 0) return new Map();
  const { rows: found } = await client.query<[string, bigint, Buffer, bigint]>({
    text: `SELECT e.stream_id, e.stream_version, e.hash, e.global_position
             FROM unnest($1::text[], $2::bigint[]) AS k(stream_id, stream_version)
             JOIN events e USING (stream_id, stream_version)`,
    values: [[...wanted.keys()], [...wanted.values()].map((row) => String(row.version - 1n))],
    rowMode: 'array',
    types: eventRowTypes,
  });
  const ends = new Map(found.map(([streamId, version, hash, position]) => [streamId, { version, hash, position }]));
  if (trustedFrom === undefined) return ends;
  const doubtful = [...wanted].filter(([streamId, row]) => {
    const end = ends.get(streamId);
    return end === undefined || end.position < trustedFrom || end.position > row.position;
  });
  if (doubtful.length === 0) return ends;
  const { rows: last } = await client.query<[string, bigint, Buffer, bigint]>({
    text: `SELECT k.stream_id, e.stream_version, e.hash, e.global_position
             FROM unnest($1::text[], $2::bigint[]) AS k(stream_id, before)
             JOIN LATERAL (SELECT stream_version, hash, global_position FROM events
                            WHERE stream_id = k.stream_id AND global_position >= $3 AND global_position < k.before
                            ORDER BY global_position DESC LIMIT 1) e ON true`,
    values: [doubtful.map(([streamId]) => streamId), doubtful.map(([, row]) => row.position.toString()), trustedFrom.toString()],
    rowMode: 'array',
    types: eventRowTypes,
  });
  for (const [streamId, version, hash, position] of last) ends.set(streamId, { version, hash, position });
  return ends;
}

/** The row follows a known chain end: anything but the next version is a break. */
async function sequenceBreak(
  client: pg.ClientBase,
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
async function unknownPredecessor(client: pg.ClientBase, row: VerifyRow): Promise<BrokenReason | undefined> {
  const [, streamId, version] = row;
  if (version === 1n) return undefined;
  return (await positionOf(client, streamId, version - 1n)) === undefined ? 'missing_event' : 'out_of_order';
}

async function positionOf(client: pg.ClientBase, streamId: string, version: bigint): Promise<bigint | undefined> {
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
async function checkHeads(client: pg.ClientBase): Promise<Broken | undefined> {
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
