import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventsOf, otherSiren, pes, siren } from '@relais/domain/testing';
import { loadCheckpoint, PostgresEventStore, verifyHashChain } from '@relais/event-store';
import { PROJECTIONS, replayProjections, STATS_CHECKPOINT_NAME, statsSummary } from '@relais/read-models';
import type { TestDatabase } from '@relais/testing';
import type pg from 'pg';
import { appendTransmission, projectorDatabase, registerDijon, waitUntilReadable } from '../test/database.js';
import { projectStatsBatch } from './stats/project-stats-batch.js';
import { projectNextBatch, TRANSMISSIONS_CHECKPOINT } from './transmissions/project-batch.js';

let db: TestDatabase;
let store: PostgresEventStore;

/** What the live projector does: both models, batch after batch, until the log is consumed. */
async function projectLive(pool: pg.Pool, limit = 4): Promise<void> {
  await waitUntilReadable(pool);
  while ((await projectNextBatch(pool, store, limit)).processed > 0);
  while ((await projectStatsBatch(pool, store, limit)).processed > 0);
}

/** Every row of every table of every projection, sorted, as text: what "equal" means here. */
async function snapshot(pool: pg.Pool): Promise<Record<string, string[]>> {
  const all: Record<string, string[]> = {};
  for (const projection of PROJECTIONS) {
    for (const table of projection.tables) {
      const { rows } = await pool.query<{ row: string }>(`SELECT t::text AS row FROM ${table} t`);
      all[table] = rows.map((r) => r.row).sort();
    }
  }
  return all;
}

async function mixedLoad(prefix: string): Promise<void> {
  const [a, b, c, d, e] = [eventsOf(`${prefix}-a`), eventsOf(`${prefix}-b`), eventsOf(`${prefix}-c`), eventsOf(`${prefix}-d`), eventsOf(`${prefix}-e`, otherSiren)];
  await appendTransmission(store, `${prefix}-a`, [a.received(), a.validated(), a.routed()]);
  await appendTransmission(store, `${prefix}-b`, [b.received(), b.rejected()]);
  await appendTransmission(store, `${prefix}-c`, [c.received(pes), c.validated(), c.routed('helios'), c.sent()]);
  await appendTransmission(store, `${prefix}-a`, [a.sent(), a.acknowledged()]);
  await appendTransmission(store, `${prefix}-d`, [d.received(), d.validated(), d.routed(), d.attemptFailed(1), d.failed(1)]);
  await appendTransmission(store, `${prefix}-c`, [c.partiallyAccepted()]);
  await appendTransmission(store, `${prefix}-e`, [e.received(), e.validated(), e.routed(), e.sent(), e.nacked()]);
  await appendTransmission(store, `${prefix}-a`, [a.cancellationRequested(), a.cancelled()]);
}

beforeAll(async () => {
  db = await projectorDatabase();
  store = new PostgresEventStore(db.pool);
  await registerDijon(store, siren);
  await mixedLoad('r1');
  await projectLive(db.pool);
});

afterAll(async () => {
  await store.close();
  await db.drop();
});

describe('audit replay', () => {
  it('rebuilds every projection from the first event into new tables equal to the live ones, and switches readers over', async () => {
    const before = await snapshot(db.pool);
    const oids = await db.pool.query<{ oid: number }>(`SELECT 'transmissions'::regclass::oid AS oid`);
    const { rows: eventsBefore } = await db.pool.query<{ n: string }>('SELECT count(*)::text AS n FROM events');
    const results = await replayProjections(db.pool, { batch: 3 });
    expect(results.map((r) => [r.projection, r.identical, r.switched])).toEqual([
      ['transmissions', true, true],
      ['stats', true, true],
    ]);
    expect(results[0]?.tables[0]).toMatchObject({ table: 'transmissions', rows: 5, differences: 0 });
    // New tables, same content, same checkpoint; the log untouched; nothing of the rebuild left behind.
    expect((await db.pool.query<{ oid: number }>(`SELECT 'transmissions'::regclass::oid AS oid`)).rows[0]?.oid).not.toBe(oids.rows[0]?.oid);
    expect(await snapshot(db.pool)).toEqual(before);
    expect((await db.pool.query<{ n: string }>('SELECT count(*)::text AS n FROM events')).rows).toEqual(eventsBefore);
    const { rows: schemas } = await db.pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM pg_namespace WHERE nspname LIKE 'relais_re%'`);
    expect(schemas[0]?.n).toBe('0');

    // The live projector carries on, on the new tables, from the same checkpoint.
    await mixedLoad('r2');
    await projectLive(db.pool);
    expect((await statsSummary(db.pool, {})).received).toBe(10);
    const [check] = await replayProjections(db.pool, { only: ['transmissions'], dryRun: true });
    expect(check).toMatchObject({ identical: true, switched: false });
  });

  it('finds a live projection that drifted from the log, and --dry-run leaves it; a replay repairs it', async () => {
    await db.pool.query(`UPDATE transmissions SET status = 'acknowledged' WHERE id = (SELECT min(id) FROM transmissions WHERE status = 'failed')`);
    await db.pool.query(`DELETE FROM stats_counts WHERE ctid = (SELECT min(ctid) FROM stats_counts)`);
    const dry = await replayProjections(db.pool, { dryRun: true });
    expect(dry.map((r) => [r.projection, r.identical, r.switched])).toEqual([
      ['transmissions', false, false],
      ['stats', false, false],
    ]);
    expect(dry[0]?.tables[0]?.differences).toBe(2); // the live row and the rebuilt row
    expect(dry[1]?.tables.find((t) => t.table === 'stats_counts')?.differences).toBe(1);
    const repaired = await replayProjections(db.pool);
    expect(repaired.every((r) => r.switched && !r.identical)).toBe(true);
    expect((await replayProjections(db.pool, { dryRun: true })).every((r) => r.identical)).toBe(true);
  });

  it('brings a lagging live projection to the rebuilt position before comparing, and readers never fail meanwhile', async () => {
    await mixedLoad('r3');
    await waitUntilReadable(db.pool);
    // The live projector is behind (it has not run since): the replay catches it up under the lock.
    const liveBefore = await loadCheckpoint(db.pool, TRANSMISSIONS_CHECKPOINT);
    let reads = 0;
    let failures: unknown[] = [];
    const stop = { now: false };
    const reader = (async () => {
      while (!stop.now) {
        try {
          await db.pool.query('SELECT count(*) FROM transmissions');
          await statsSummary(db.pool, {});
          reads++;
        } catch (error) {
          failures = [...failures, error];
        }
      }
    })();
    const results = await replayProjections(db.pool, { batch: 5 });
    stop.now = true;
    await reader;
    expect(failures).toEqual([]);
    expect(reads).toBeGreaterThan(0);
    expect(results.every((r) => r.identical && r.switched)).toBe(true);
    const liveAfter = await loadCheckpoint(db.pool, TRANSMISSIONS_CHECKPOINT);
    expect(liveAfter?.globalPosition).toBeGreaterThan(liveBefore?.globalPosition ?? 0n);
    expect(await loadCheckpoint(db.pool, STATS_CHECKPOINT_NAME)).toEqual(liveAfter);
    expect((await statsSummary(db.pool, {})).received).toBe(15);
    // And the projector finds nothing left to do.
    expect((await projectNextBatch(db.pool, store, 10)).processed).toBe(0);
  });

  it('reads events stored under an older version of their type: they project, replay and verify as they were written', async () => {
    // A transmission given up before TransmissionFailed had a code (v1), and one given up since (v2).
    const [old, recent] = [eventsOf('v1-old'), eventsOf('v2-new')];
    await appendTransmission(store, 'v1-old', [old.received(), old.validated(), old.routed()]);
    await store.append('transmission-v1-old', 'any', [
      {
        eventId: randomUUID(),
        type: 'relais.transmission.v1.TransmissionFailed',
        data: { transmissionId: 'v1-old', at: '2026-01-05T09:00:00Z', attempts: 1, reason: 'CHANNEL.SERVER_PIN_MISMATCH: the server presented another certificate' },
      },
    ]);
    await appendTransmission(store, 'v2-new', [recent.received(), recent.validated(), recent.routed(), recent.failed(1)]);
    await projectLive(db.pool);
    const { rows: types } = await db.pool.query<{ type: string }>(
      `SELECT type FROM events WHERE stream_id IN ('transmission-v1-old', 'transmission-v2-new') AND type LIKE '%TransmissionFailed' ORDER BY stream_id`,
    );
    expect(types.map((t) => t.type)).toEqual(['relais.transmission.v1.TransmissionFailed', 'relais.transmission.v2.TransmissionFailed']);
    const { rows: views } = await db.pool.query<{ id: string; status: string }>(`SELECT id, status FROM transmissions WHERE id IN ('v1-old', 'v2-new') ORDER BY id`);
    expect(views).toEqual([
      { id: 'v1-old', status: 'failed' },
      { id: 'v2-new', status: 'failed' },
    ]);
    const { rows: reasons } = await db.pool.query<{ id: string; reasons: string[] }>(
      `SELECT transmission_id AS id, reasons FROM stats_transitions WHERE outcome = 'failed' AND transmission_id IN ('v1-old', 'v2-new') ORDER BY 1`,
    );
    expect(reasons).toEqual([
      { id: 'v1-old', reasons: ['CHANNEL.SERVER_PIN_MISMATCH'] },
      { id: 'v2-new', reasons: ['DELIVERY.FAILED'] },
    ]);
    // Rebuilt from the first event, old and new alike, equal to the live projection; the rows untouched and verifying.
    expect((await replayProjections(db.pool)).every((r) => r.identical && r.switched)).toBe(true);
    expect(await verifyHashChain(db.pool)).toMatchObject({ ok: true });
  });

  it('shares the parsing and folding out to worker threads by stream: the rebuild equals the live projection, buckets added up across them', async () => {
    await mixedLoad('w1');
    await projectLive(db.pool);
    // Pages of 4 events dealt to 3 workers: every stream's events split over several pages, the registrations read by all.
    const results = await replayProjections(db.pool, { workers: 3, workerScript: COMPILED_WORKER, batch: 4, dryRun: true });
    expect(results.map((r) => [r.projection, r.workers, r.identical, r.switched])).toEqual([
      ['transmissions', 3, true, false],
      ['stats', 3, true, false],
    ]);
    const switched = await replayProjections(db.pool, { workers: 2, workerScript: COMPILED_WORKER });
    expect(switched.every((r) => r.identical && r.switched)).toBe(true);
  });

  it('fails the replay, and leaves the live tables and no rebuild behind, when a worker cannot fold an event', async () => {
    const broken = await projectorDatabase();
    try {
      const brokenStore = new PostgresEventStore(broken.pool);
      const t = eventsOf('undecodable');
      await appendTransmission(brokenStore, 'undecodable', [t.received(), t.validated()]);
      await brokenStore.append('transmission-undecodable', 'any', [{ eventId: randomUUID(), type: 'relais.transmission.v1.NoSuchEvent', data: { transmissionId: 'undecodable' } }]);
      await brokenStore.close();
      await waitUntilReadable(broken.pool);
      await expect(replayProjections(broken.pool, { workers: 2, workerScript: COMPILED_WORKER })).rejects.toThrow(/replay worker failed: .*NoSuchEvent/s);
      const { rows } = await broken.pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM pg_namespace WHERE nspname LIKE 'relais_re%'`);
      expect(rows[0]?.n).toBe('0');
      expect((await broken.pool.query('SELECT 1 FROM transmissions')).rowCount).toBe(0);
    } finally {
      await broken.drop();
    }
  });
});

/** The compiled worker (npm test builds before Jest runs): from TypeScript source there is none, and replays default to one thread. */
const COMPILED_WORKER = new URL('../../../libs/read-models/dist/projections/replay-worker.js', import.meta.url);

