import { type Checkpoint, PostgresEventStore, type StoredEvent } from '@relais/event-store';
import pg from 'pg';
import type { QueryRunner } from 'typeorm';
import { STATS_CHANNEL } from '../stats/stats.queries.js';
import { type Projection, PROJECTIONS } from './projections.js';

/** What `replayProjections` reports as it goes. */
export type ReplayProgress =
  | { readonly phase: 'rebuild'; readonly projection: string; readonly events: number }
  | { readonly phase: 'compare' | 'switch'; readonly projection: string };

export interface ReplayOptions {
  /** The projections to rebuild (default: all). */
  readonly only?: readonly string[];
  /** Rebuild and compare, then throw the rebuild away: the live tables stay. */
  readonly dryRun?: boolean;
  /** Events per batch (default 5,000). */
  readonly batch?: number;
  readonly onProgress?: (progress: ReplayProgress) => void;
}

/** One projection's replay. */
export interface ProjectionReplay {
  readonly projection: string;
  /** Events read from the first one to the switch. */
  readonly events: number;
  readonly rebuildMs: number;
  /** Per table: rows in the rebuilt table, and rows that differ from the live one (both ways). */
  readonly tables: readonly { readonly table: string; readonly rows: number; readonly differences: number }[];
  /** Both sides compared at this reading position (`transactionId:globalPosition`). */
  readonly comparedAt: string;
  readonly identical: boolean;
  readonly switched: boolean;
}

/**
 * Rebuilds projections from the first event into new tables, then switches readers over.
 *
 * For each projection: its tables are created afresh in a schema of their own (its migrations run
 * with that schema first in the search_path), and every event is folded in by the same code the
 * projector runs, batch after batch, with its own checkpoint there. Nothing else runs: no message is
 * published, nothing sent or notified; the log is only read.
 *
 * Then, in one transaction: the live checkpoint's row and the live tables are locked against writers
 * (readers go on reading), the side that is behind is brought to the other's position so that both
 * stand at the same point of the log, every table is compared row for row (EXCEPT ALL, both ways),
 * and (unless `dryRun`) the tables swap schemas: the live ones leave `public`, the rebuilt ones take
 * their place, under the same names, at the same checkpoint. Readers block only for the renames.
 * The live projector's batch in flight then fails its checkpoint check and runs again on the new
 * tables. The old tables are dropped after the commit.
 */
export async function replayProjections(pool: pg.Pool, options: ReplayOptions = {}): Promise<ProjectionReplay[]> {
  const selected = PROJECTIONS.filter((p) => options.only === undefined || options.only.includes(p.name));
  const results: ProjectionReplay[] = [];
  for (const projection of selected) results.push(await replayOne(pool, projection, options));
  return results;
}

const SCHEMA_PREFIX = 'relais_replay_';

async function replayOne(pool: pg.Pool, projection: Projection, options: ReplayOptions): Promise<ProjectionReplay> {
  const batch = options.batch ?? 5_000;
  const stamp = new Date().toISOString().replace(/[^0-9]/g, '').slice(0, 17);
  const schema = `${SCHEMA_PREFIX}${projection.name}_${stamp}`;
  const retired = `relais_retired_${projection.name}_${stamp}`;
  await pool.query(`CREATE SCHEMA ${schema}`);
  const rebuildPool = new pg.Pool({ ...connectionOf(pool), max: 2, options: `-c search_path=${schema},public` });
  const store = new PostgresEventStore(rebuildPool);
  try {
    const started = Date.now();
    await createTables(rebuildPool, projection);
    // Rebuild up to wherever the log is, outside any lock.
    let events = 0;
    let checkpoint: Checkpoint | null = null;
    for (;;) {
      const read = await store.readAll(checkpoint, batch);
      if (read.events.length === 0) break;
      await inTransaction(rebuildPool, async (client) => {
        await projection.project(client, read.events, { rebuilding: true });
        await saveCheckpoint(client, `${schema}.checkpoints`, projection.checkpoint, read.checkpoint);
      });
      checkpoint = read.checkpoint;
      events += read.events.length;
      options.onProgress?.({ phase: 'rebuild', projection: projection.name, events });
    }
    const rebuildMs = Date.now() - started;

    // The switch: one transaction on a client whose search_path we move between the two sides.
    const client = await rebuildPool.connect();
    let result: ProjectionReplay;
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
      // The rebuild catches up to the live side (the log moved on meanwhile), or the live side to the rebuild (its projector lags).
      if (before(checkpoint, liveAt)) {
        events += await catchUp(client, store, projection, schema, checkpoint, liveAt, batch, `${schema}.checkpoints`);
        checkpoint = liveAt;
      } else if (before(liveAt, checkpoint)) {
        await catchUp(client, store, projection, 'public', liveAt, checkpoint, batch, 'public.checkpoints');
        liveAt = checkpoint;
      }
      options.onProgress?.({ phase: 'compare', projection: projection.name });
      const tables = [];
      for (const table of projection.tables) tables.push(await compareTable(client, schema, table));
      const identical = tables.every((t) => t.differences === 0);
      const comparedAt = checkpoint ? `${checkpoint.transactionId.toString()}:${checkpoint.globalPosition.toString()}` : 'start';
      if (options.dryRun) {
        await client.query('ROLLBACK');
        result = { projection: projection.name, events, rebuildMs, tables, comparedAt, identical, switched: false };
      } else {
        options.onProgress?.({ phase: 'switch', projection: projection.name });
        await client.query(`LOCK TABLE ${projection.tables.map((t) => `public.${t}`).join(', ')} IN ACCESS EXCLUSIVE MODE`);
        await client.query(`CREATE SCHEMA ${retired}`);
        for (const table of await withPartitions(client, 'public', projection.tables)) await client.query(`ALTER TABLE public.${table} SET SCHEMA ${retired}`);
        for (const table of await withPartitions(client, schema, projection.tables)) await client.query(`ALTER TABLE ${schema}.${table} SET SCHEMA public`);
        if (checkpoint) {
          await saveCheckpoint(client, 'public.checkpoints', projection.checkpoint, checkpoint);
        }
        if (projection.name === 'stats') await client.query('SELECT pg_notify($1, $2)', [STATS_CHANNEL, checkpoint?.globalPosition.toString() ?? '0']);
        await client.query('COMMIT');
        result = { projection: projection.name, events, rebuildMs, tables, comparedAt, identical, switched: true };
      }
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    return result;
  } finally {
    await store.close();
    await rebuildPool.end();
    await pool.query(`DROP SCHEMA IF EXISTS ${retired} CASCADE`);
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  }
}

/** Creates the projection's tables, and a checkpoints table, in the first schema of the pool's search_path. */
async function createTables(pool: pg.Pool, projection: Projection): Promise<void> {
  await inTransaction(pool, async (client) => {
    const runner = { query: async (sql: string, values?: unknown[]): Promise<unknown[]> => (await client.query(sql, values)).rows as unknown[] } as unknown as QueryRunner;
    for (const Migration of projection.migrations) await new Migration().up(runner);
    await client.query('CREATE TABLE checkpoints (LIKE public.checkpoints INCLUDING ALL)');
  });
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

async function saveCheckpoint(client: pg.PoolClient, table: string, name: string, at: Checkpoint): Promise<void> {
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

async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** The connection settings of a pool (its password is not enumerable, hence the explicit copy). */
function connectionOf(pool: pg.Pool): pg.PoolConfig {
  const o = pool.options;
  return { connectionString: o.connectionString, host: o.host, port: o.port, user: o.user, password: o.password, database: o.database, ssl: o.ssl };
}
