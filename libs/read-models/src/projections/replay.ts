import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type Checkpoint, connectionSettingsOf, type EventTextRow, PostgresEventStore, readAllText, type StoredEvent, withTransaction } from '@relais/event-store';
import pg from 'pg';
import type { QueryRunner } from 'typeorm';
import { STATS_CHANNEL } from '../stats/stats.queries.js';
import { type Projection, PROJECTIONS } from './projections.js';
import { copyLines } from './copy.js';
import type { FromReplayWorker, ReplayWorkerData, ToReplayWorker } from './replay-messages.js';
import { ReplayPartition, splitRows } from './replay-partition.js';
import { mergeShared, type SharedTable } from './shared-rows.js';

/** What `replayProjections` reports as it goes. */
export type ReplayProgress =
  | { readonly phase: 'read'; readonly events: number }
  | { readonly phase: 'write' | 'compare' | 'switch'; readonly projection: string };

export interface ReplayOptions {
  /** The projections to rebuild (default: all). */
  readonly only?: readonly string[];
  /** Rebuild and compare, then throw the rebuild away: the live tables stay. */
  readonly dryRun?: boolean;
  /** Events per page read (default 20,000). */
  readonly batch?: number;
  /**
   * Worker threads that parse and fold the log, each a share of its streams (default
   * `defaultReplayWorkers()`); 0 or 1: all of it in this thread.
   */
  readonly workers?: number;
  /** The compiled worker to run (default: replay-worker.js beside this module). */
  readonly workerScript?: URL;
  /**
   * A live projection further behind the rebuilt one than this many positions is not caught up under
   * the lock (its projector is stopped or far behind): the rebuilt tables replace it without a
   * comparison (default 50,000).
   */
  readonly catchUpLimit?: number;
  readonly onProgress?: (progress: ReplayProgress) => void;
}

/** One projection's replay. */
export interface ProjectionReplay {
  readonly projection: string;
  /** Events folded in, from the first one to the switch. */
  readonly events: number;
  /** Reading the log and folding it (shared by every projection of the run). */
  readonly foldMs: number;
  /** From the end of the fold to this projection's tables written and indexed. */
  readonly writeMs: number;
  /** Worker threads that folded the log (0: the calling thread). */
  readonly workers: number;
  /** Per table: rows in the rebuilt table, and rows that differ from the live one (both ways). */
  readonly tables: readonly { readonly table: string; readonly rows: number; readonly differences: number }[];
  /** Both sides compared at this reading position (`transactionId:globalPosition`); null: not compared. */
  readonly comparedAt: string | null;
  /** Every table equal to the live one; null when the live one was too far behind to compare. */
  readonly identical: boolean | null;
  readonly switched: boolean;
}

/**
 * Rebuilds projections from the first event into new tables, then switches readers over.
 *
 * The log is read once, page after page (the next page fetched while this one folds), and every
 * selected projection folds it in memory with the same pure functions the projector runs; then each
 * writes its tables once, in a schema of its own (its migrations run with that schema first in the
 * search_path), with its checkpoint there. Nothing else runs: no message is published, nothing sent
 * or notified; the log is only read. With `workers` (one per core by default), the parsing and the
 * folding are shared out by stream to worker threads; each writes the rows of its streams, and the
 * rows every stream adds to (the statistics' buckets) are added up here and written once.
 *
 * Then, per projection, in one transaction: the live tables and the live checkpoint's row are locked
 * against writers (readers go on reading), the side that is behind is brought to the other's position
 * by the projector's own incremental code so that both stand at the same point of the log, every table
 * is compared row for row (EXCEPT ALL, both ways), and (unless `dryRun`) the tables swap schemas: the
 * live ones leave `public`, the rebuilt ones take their place, under the same names, at the same
 * checkpoint. Readers block only for the renames. The live projector's batch in flight then fails its
 * checkpoint check and runs again on the new tables. The old tables are dropped after the commit.
 */
export async function replayProjections(pool: pg.Pool, options: ReplayOptions = {}): Promise<ProjectionReplay[]> {
  const selected = PROJECTIONS.filter((p) => options.only === undefined || options.only.includes(p.name));
  const stamp = new Date().toISOString().replace(/[^0-9]/g, '').slice(0, 17);
  const schema = `${SCHEMA_PREFIX}${stamp}`;
  await pool.query(`CREATE SCHEMA ${schema}`);
  const rebuildPool = new pg.Pool({ ...(await connectionSettingsOf(pool)), max: 4, options: `-c search_path=${schema},public` });
  const store = new PostgresEventStore(rebuildPool);
  try {
    await withTransaction(rebuildPool, async (client) => {
      await client.query('CREATE TABLE checkpoints (LIKE public.checkpoints INCLUDING ALL)');
      for (const projection of selected) await createTables(client, projection);
    });
    // Built once after the bulk load, sorted, instead of updated row by row.
    const indexes = await withTransaction(rebuildPool, async (client) => {
      const dropped: string[][] = [];
      for (const projection of selected) dropped.push(await dropSecondaryIndexes(client, schema, projection.tables));
      return dropped;
    });
    const workers = options.workers ?? defaultReplayWorkers();
    const started = Date.now();
    // The rows every partition adds to are merged and written here while the partitions write their own.
    const writeShared = async (parts: readonly PartitionShared[]): Promise<void> => {
      for (const projection of selected) options.onProgress?.({ phase: 'write', projection: projection.name });
      const tables = (parts[0] ?? []).flatMap((byProjection, i) => byProjection.map((_table, t) => parts.map((part) => part[i]?.[t] as SharedTable)));
      await Promise.all(
        tables.map(async (table) => {
          const merged = mergeShared(table);
          await withTransaction(rebuildPool, (client) => copyLines(client, merged.table, merged.columns, merged.lines));
        }),
      );
    };
    const folded = workers >= 2 ? await foldInWorkers(rebuildPool, selected, schema, workers, writeShared, options) : await foldHere(rebuildPool, selected, writeShared, options);
    const { events, checkpoint } = folded;
    const foldMs = folded.foldedAt - started;
    // Then every index at once (each table's on its own connection), and each projection's checkpoint.
    const written = await Promise.all(
      selected.map(async (projection, i) => {
        await Promise.all((indexes[i] ?? []).map((definition) => rebuildPool.query(definition)));
        if (checkpoint) await saveCheckpoint(rebuildPool, `${schema}.checkpoints`, projection.checkpoint, checkpoint);
        return Date.now() - folded.foldedAt;
      }),
    );
    const results: ProjectionReplay[] = [];
    for (const [i, projection] of selected.entries()) {
      const writeMs = written[i] ?? 0;
      results.push(await switchOver(rebuildPool, store, projection, schema, `relais_retired_${projection.name}_${stamp}`, { events, foldMs, writeMs, checkpoint, workers }, options));
    }
    return results;
  } finally {
    await store.close();
    await rebuildPool.end();
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  }
}

const SCHEMA_PREFIX = 'relais_replay_';

/** Per projection, its shared tables: what one partition hands over to be merged. */
type PartitionShared = readonly (readonly SharedTable[])[];

/** Merges the partitions' shared rows and writes them (while the partitions write their own). */
type WriteShared = (parts: readonly PartitionShared[]) => Promise<void>;

/** What folding and writing the log left. */
interface Folded {
  readonly events: number;
  readonly checkpoint: Checkpoint | null;
  /** When the last event was folded. */
  readonly foldedAt: number;
}

/**
 * The whole log, page after page in reading order, each page handed to `fold` (the next one read while
 * it folds); where the reading ended.
 */
async function readLog(pool: pg.Pool, fold: (rows: EventTextRow[]) => Promise<void> | void, options: ReplayOptions): Promise<Omit<Folded, 'foldedAt'>> {
  let events = 0;
  let checkpoint: Checkpoint | null = null;
  const batch = options.batch ?? 20_000;
  let next = readAllText(pool, null, batch);
  for (;;) {
    const read = await next;
    if (read.rows.length === 0) return { events, checkpoint };
    next = readAllText(pool, read.checkpoint, batch);
    await fold(read.rows);
    checkpoint = read.checkpoint;
    events += read.rows.length;
    options.onProgress?.({ phase: 'read', events });
  }
}

/** One thread: the log folded here. */
async function foldHere(pool: pg.Pool, selected: readonly Projection[], writeShared: WriteShared, options: ReplayOptions): Promise<Folded> {
  const partition = new ReplayPartition(selected);
  const read = await readLog(
    pool,
    (rows) => {
      partition.addText(rows);
    },
    options,
  );
  const foldedAt = Date.now();
  const shared = partition.shared();
  await Promise.all([writeShared([shared]), partition.writeOwn(pool)]);
  return { ...read, foldedAt };
}

/**
 * `workers` threads: this one reads the log and deals each page out by stream (`splitRows`), every
 * stream's events to the same worker, in order; each worker parses and folds its share, then hands
 * over its shared rows and writes its own on its own connections. A worker holds at most IN_FLIGHT
 * pages unfolded, so a slow one slows the reading instead of filling the memory. Any failure stops
 * every worker.
 */
async function foldInWorkers(
  pool: pg.Pool,
  selected: readonly Projection[],
  schema: string,
  workers: number,
  writeShared: WriteShared,
  options: ReplayOptions,
): Promise<Folded> {
  const data: ReplayWorkerData = { projections: selected.map((p) => p.name), connection: await connectionSettingsOf(pool), schema };
  const threads = Array.from({ length: workers }, () => new PartitionThread(options.workerScript ?? REPLAY_WORKER, data));
  try {
    const read = await readLog(
      pool,
      async (rows) => {
        const pages = splitRows(rows, workers);
        await Promise.all(threads.map((thread, i) => thread.fold(pages[i] ?? [])));
      },
      options,
    );
    await Promise.all(threads.map((thread) => thread.drained()));
    const foldedAt = Date.now();
    const writing = threads.map((thread) => thread.write());
    const shared = await Promise.all(writing.map((w) => w.shared));
    await Promise.all([writeShared(shared), ...writing.map((w) => w.own)]);
    return { ...read, foldedAt };
  } finally {
    await Promise.all(threads.map((thread) => thread.stop()));
  }
}

/** Pages a worker may hold before it has folded them. */
const IN_FLIGHT = 3;

/** The compiled worker, beside this module (absent when the module runs from its TypeScript source). */
const REPLAY_WORKER = new URL('./replay-worker.js', import.meta.url);

/** Worker threads a replay uses by default: one per core up to 4, or none where the compiled worker is absent. */
export function defaultReplayWorkers(): number {
  return existsSync(fileURLToPath(REPLAY_WORKER)) ? Math.min(4, availableParallelism()) : 0;
}

/** A replay worker seen from the main thread. */
class PartitionThread {
  private readonly worker: Worker;
  private unfolded = 0;
  private readonly waiting: (() => void)[] = [];
  private sharedWith?: (shared: PartitionShared) => void;
  private writtenWith?: () => void;
  /** Settles with the worker's first failure (an error it reports, or its end). */
  private readonly failure: Promise<never>;

  constructor(script: URL, data: ReplayWorkerData) {
    // A larger young generation than a worker's default: most of a fold's garbage then dies young (measured 10% faster).
    this.worker = new Worker(script, { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: 48 } });
    this.failure = new Promise<never>((_resolve, reject) => {
      this.worker.on('message', (message: FromReplayWorker) => {
        if (message.kind === 'folded') {
          this.unfolded--;
          this.waiting.shift()?.();
        } else if (message.kind === 'shared') this.sharedWith?.(message.shared);
        else if (message.kind === 'written') this.writtenWith?.();
        else reject(new Error(`replay worker failed: ${message.error}`));
      });
      this.worker.on('error', reject);
      this.worker.on('exit', (code) => {
        reject(new Error(`replay worker exited (code ${String(code)})`));
      });
    });
    this.failure.catch(() => undefined);
  }

  /** Sends a page, once the worker holds fewer than IN_FLIGHT unfolded. */
  async fold(rows: readonly EventTextRow[]): Promise<void> {
    if (rows.length === 0) return;
    while (this.unfolded >= IN_FLIGHT) await Promise.race([new Promise<void>((resolve) => this.waiting.push(resolve)), this.failure]);
    this.unfolded++;
    const message: ToReplayWorker = { kind: 'rows', rows };
    this.worker.postMessage(message);
  }

  /** Resolves when every page sent is folded. */
  async drained(): Promise<void> {
    while (this.unfolded > 0) await Promise.race([new Promise<void>((resolve) => this.waiting.push(resolve)), this.failure]);
  }

  /** Asks for the writes: the shared rows come back first, then the worker writes its own rows. */
  write(): { shared: Promise<PartitionShared>; own: Promise<void> } {
    const shared = new Promise<PartitionShared>((resolve) => {
      this.sharedWith = resolve;
    });
    const own = new Promise<void>((resolve) => {
      this.writtenWith = resolve;
    });
    const message: ToReplayWorker = { kind: 'write' };
    this.worker.postMessage(message);
    return { shared: Promise.race([shared, this.failure]), own: Promise.race([own, this.failure]) };
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}

/** Brings both sides to one position, compares them, and (unless a dry run) swaps the tables. */
async function switchOver(
  rebuildPool: pg.Pool,
  store: PostgresEventStore,
  projection: Projection,
  schema: string,
  retired: string,
  rebuilt: { events: number; foldMs: number; writeMs: number; checkpoint: Checkpoint | null; workers: number },
  options: ReplayOptions,
): Promise<ProjectionReplay> {
  let { checkpoint, events } = rebuilt;
  const batch = options.batch ?? 20_000;
  const client = await rebuildPool.connect();
  try {
    await client.query('BEGIN');
    // Tables first: the live projector locks its tables before its checkpoint row, and so do we.
    await client.query(`LOCK TABLE ${projection.tables.map((t) => `public.${t}`).join(', ')} IN EXCLUSIVE MODE`);
    const live = await client.query<{ transaction_id: string; global_position: string }>(
      'SELECT transaction_id::text, global_position::text FROM public.checkpoints WHERE name = $1 FOR UPDATE',
      [projection.checkpoint],
    );
    const liveRow = live.rows[0];
    let liveAt: Checkpoint | null = liveRow ? { transactionId: BigInt(liveRow.transaction_id), globalPosition: BigInt(liveRow.global_position) } : null;
    let compare = true;
    // The rebuild catches up to the live side (the log moved on meanwhile), or the live side to the rebuild (its projector lags).
    if (before(checkpoint, liveAt)) {
      events += await catchUp(client, store, projection, schema, checkpoint, liveAt, batch, `${schema}.checkpoints`);
      checkpoint = liveAt;
    } else if (before(liveAt, checkpoint)) {
      const behind = (checkpoint?.globalPosition ?? 0n) - (liveAt?.globalPosition ?? 0n);
      if (behind > BigInt(options.catchUpLimit ?? 50_000)) compare = false;
      else {
        await catchUp(client, store, projection, 'public', liveAt, checkpoint, batch, 'public.checkpoints');
        liveAt = checkpoint;
      }
    }
    const tables = [];
    if (compare) options.onProgress?.({ phase: 'compare', projection: projection.name });
    for (const table of projection.tables) tables.push(compare ? await compareTable(client, schema, table) : await countRows(client, schema, table));
    const identical = compare ? tables.every((t) => t.differences === 0) : null;
    const comparedAt = !compare ? null : checkpoint ? `${checkpoint.transactionId.toString()}:${checkpoint.globalPosition.toString()}` : 'start';
    const result = { projection: projection.name, events, foldMs: rebuilt.foldMs, writeMs: rebuilt.writeMs, workers: rebuilt.workers, tables, comparedAt, identical };
    if (options.dryRun) {
      await client.query('ROLLBACK');
      return { ...result, switched: false };
    }
    options.onProgress?.({ phase: 'switch', projection: projection.name });
    await client.query(`LOCK TABLE ${projection.tables.map((t) => `public.${t}`).join(', ')} IN ACCESS EXCLUSIVE MODE`);
    await client.query(`CREATE SCHEMA ${retired}`);
    for (const table of await withPartitions(client, 'public', projection.tables)) await client.query(`ALTER TABLE public.${table} SET SCHEMA ${retired}`);
    for (const table of await withPartitions(client, schema, projection.tables)) await client.query(`ALTER TABLE ${schema}.${table} SET SCHEMA public`);
    if (checkpoint) await saveCheckpoint(client, 'public.checkpoints', projection.checkpoint, checkpoint);
    if (projection.name === 'stats') await client.query('SELECT pg_notify($1, $2)', [STATS_CHANNEL, checkpoint?.globalPosition.toString() ?? '0']);
    await client.query('COMMIT');
    await client.query(`DROP SCHEMA ${retired} CASCADE`);
    return { ...result, switched: true };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Drops the indexes of `tables` in `schema` that back no constraint (a bulk load then builds each once,
 * sorted, instead of updating it row by row); returns the statements that create them again.
 */
async function dropSecondaryIndexes(client: pg.PoolClient, schema: string, tables: readonly string[]): Promise<string[]> {
  const { rows } = await client.query<{ name: string; definition: string }>(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
       FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = $1 AND t.relname = ANY($2::text[])
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.indexrelid)`,
    [schema, [...tables]],
  );
  for (const { name } of rows) await client.query(`DROP INDEX ${name}`);
  return rows.map((r) => r.definition);
}

/** Creates the projection's tables in the first schema of the client's search_path. */
async function createTables(client: pg.PoolClient, projection: Projection): Promise<void> {
  const runner = { query: async (sql: string, values?: unknown[]): Promise<unknown[]> => (await client.query(sql, values)).rows as unknown[] } as unknown as QueryRunner;
  for (const Migration of projection.migrations) await new Migration().up(runner);
}

async function countRows(client: pg.PoolClient, schema: string, table: string): Promise<{ table: string; rows: number; differences: number }> {
  const { rows } = await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${schema}.${table}`);
  return { table, rows: Number(rows[0]?.n), differences: 0 };
}

/** Folds events after `from` up to and including `to` into the tables of `schema`, through `client` (in its transaction). */
async function catchUp(
  client: pg.PoolClient,
  store: PostgresEventStore,
  projection: Projection,
  schema: string,
  from: Checkpoint | null,
  to: Checkpoint | null,
  batch: number,
  checkpoints: string,
): Promise<number> {
  await client.query(`SET LOCAL search_path = ${schema === 'public' ? 'public' : `${schema}, public`}`);
  let at = from;
  let events = 0;
  for (;;) {
    const read = await store.readAll(at, batch);
    const upTo = read.events.filter((e) => !before(to, { transactionId: e.transactionId, globalPosition: e.globalPosition }));
    if (upTo.length === 0) break;
    await projection.project(client, upTo, { rebuilding: schema !== 'public' });
    const last = upTo[upTo.length - 1] as StoredEvent;
    at = { transactionId: last.transactionId, globalPosition: last.globalPosition };
    await saveCheckpoint(client, checkpoints, projection.checkpoint, at);
    events += upTo.length;
    if (upTo.length < read.events.length) break;
  }
  return events;
}

async function compareTable(client: pg.PoolClient, schema: string, table: string): Promise<{ table: string; rows: number; differences: number }> {
  const { rows } = await client.query<{ rows: string; differences: string }>(
    `SELECT (SELECT count(*) FROM ${schema}.${table})::text AS rows,
            (SELECT count(*) FROM ((SELECT * FROM public.${table} EXCEPT ALL SELECT * FROM ${schema}.${table})
                              UNION ALL (SELECT * FROM ${schema}.${table} EXCEPT ALL SELECT * FROM public.${table})) d)::text AS differences`,
  );
  return { table, rows: Number(rows[0]?.rows), differences: Number(rows[0]?.differences) };
}

/** The tables and, after each partitioned one, its partitions. */
async function withPartitions(client: pg.PoolClient, schema: string, tables: readonly string[]): Promise<string[]> {
  const all: string[] = [];
  for (const table of tables) {
    all.push(table);
    const { rows } = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = ($1 || '.' || $2)::regclass ORDER BY c.relname`,
      [schema, table],
    );
    all.push(...rows.map((r) => r.name));
  }
  return all;
}

async function saveCheckpoint(client: pg.Pool | pg.PoolClient, table: string, name: string, at: Checkpoint): Promise<void> {
  await client.query(
    `INSERT INTO ${table} (name, transaction_id, global_position, updated_at) VALUES ($1, $2::text::xid8, $3, now())
     ON CONFLICT (name) DO UPDATE SET transaction_id = EXCLUDED.transaction_id, global_position = EXCLUDED.global_position, updated_at = now()`,
    [name, at.transactionId.toString(), at.globalPosition.toString()],
  );
}

/** a < b in reading order (null: before the first event). */
function before(a: Checkpoint | null, b: Checkpoint | null): boolean {
  if (b === null) return false;
  if (a === null) return true;
  return a.transactionId < b.transactionId || (a.transactionId === b.transactionId && a.globalPosition < b.globalPosition);
}
