import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PostgresEventStore } from '@relais/event-store';
import { eventsOf, otherSiren, pes, siren } from '@relais/domain/testing';
import { latencyBin, latencyBinSql, STATS_CHECKPOINT_NAME, statsBacklog, statsBreakdown, statsReasons, statsSeries, statsSummary, type StatsFilter } from '@relais/read-models';
import { ackLatencyFromLog, statusCountsFromLog, statusCountsOf, type TestDatabase } from '@relais/testing';
import type pg from 'pg';
import { appendTransmission, projectorDatabase, registerDijon, waitUntilReadable } from '../../test/database.js';
import { projectStatsBatch } from './project-stats-batch.js';

async function projectAllStats(pool: pg.Pool, store: PostgresEventStore, limit: number): Promise<void> {
  await waitUntilReadable(pool);
  while ((await projectStatsBatch(pool, store, limit)).processed > 0);
}

describe('the statistics projection', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  const [a, b, c, d, e, f] = [eventsOf('st-a'), eventsOf('st-b'), eventsOf('st-c'), eventsOf('st-d'), eventsOf('st-e'), eventsOf('st-f')];
  const g = eventsOf('st-g', otherSiren);

  beforeAll(async () => {
    db = await projectorDatabase();
    store = new PostgresEventStore(db.pool);
    await registerDijon(store, siren);
  });

  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('given a mixed history, when projected in small batches, then every count equals the log and latency is within a bin', async () => {
    await appendTransmission(store, 'st-a', [a.received(), a.validated(), a.routed()]);
    await appendTransmission(store, 'st-b', [b.received(), b.rejected()]);
    await appendTransmission(store, 'st-c', [c.received(pes), c.validated(), c.routed('helios'), c.sent()]);
    await appendTransmission(store, 'st-a', [a.sent()]);
    await appendTransmission(store, 'st-d', [d.received(), d.validated(), d.routed(), d.attemptFailed(1), d.failed(1)]);
    await appendTransmission(store, 'st-e', [e.received(), e.validated(), e.routed(), e.sent(), e.nacked()]);
    await appendTransmission(store, 'st-c', [c.partiallyAccepted()]);
    await appendTransmission(store, 'st-f', [f.received(), f.validated()]);
    await appendTransmission(store, 'st-a', [a.acknowledged()]);
    await appendTransmission(store, 'st-g', [g.received(), g.validated(), g.routed(), g.sent()]);
    await appendTransmission(store, 'st-g', [g.acknowledged()]);
    await appendTransmission(store, 'st-a', [a.cancellationRequested(), a.cancelled()]);
    await projectAllStats(db.pool, store, 3);

    const summary = await statsSummary(db.pool, {});
    expect(statusCountsOf(summary)).toEqual(await statusCountsFromLog(db.pool));
    expect(summary).toMatchObject({ received: 7, acknowledged: 2, sent: 4, inFlight: 1 });
    expect(summary.byKind.pes).toMatchObject({ received: 1, partiallyAccepted: 1, inFlight: 0 });
    const exact = await ackLatencyFromLog(db.pool);
    for (const p of ['p50', 'p95', 'p99'] as const) {
      expect(Math.abs(latencyBin(summary.latencyMs[p]!) - latencyBin(exact[p]))).toBeLessThanOrEqual(1);
    }
    const { rows } = await db.pool.query<{ at: Date }>('SELECT max(recorded_at) AS at FROM events');
    expect(summary.asOf).toBe(rows[0]!.at.toISOString());
  });

  it('bins latencies read raw in SQL exactly as the fold bins them', async () => {
    const samples = [0, 1, 2, 3, 7, 8, 9, 999, 1000, 1024, 59_999, 60_000, 86_400_000];
    for (let k = 0; k <= 136; k++) samples.push(Math.floor(2 ** (k / 4)), Math.ceil(2 ** (k / 4)), Math.ceil(2 ** (k / 4)) + 1);
    const { rows } = await db.pool.query<{ ms: string; bin: number }>(
      `SELECT ms::text, ${latencyBinSql('ms')} AS bin FROM unnest($1::bigint[]) AS ms`,
      [samples],
    );
    expect(rows.filter((r) => r.bin !== latencyBin(Number(r.ms)))).toEqual([]);
  });

  it('answers any [from, to) exactly: whole buckets in the middle, the ragged ends read raw', async () => {
    const { rows } = await db.pool.query<{ recorded_at: Date }>(
      `SELECT recorded_at FROM events WHERE type LIKE 'relais.transmission.%' ORDER BY global_position`,
    );
    const times = rows.map((r) => r.recorded_at.getTime());
    // A range that starts and ends between events (sub-second), and a wide one that uses day, hour and minute buckets.
    const middle = { from: new Date(times[4]! + 1), to: new Date(times[times.length - 3]!) };
    const wide = { from: new Date(times[0]! - 2 * 86_400_000 - 13_000), to: new Date(times[0]! + 86_400_000 + 7_000) };
    for (const range of [middle, wide]) {
      expect(statusCountsOf(await statsSummary(db.pool, range))).toEqual(await statusCountsFromLog(db.pool, range));
    }
    const bySiren: StatsFilter = { siren: otherSiren };
    expect(await statsSummary(db.pool, bySiren)).toMatchObject({ received: 1, acknowledged: 1, rejected: 0, inFlight: 0 });
  });

  it('given a replay from the start of the log, when projected again, then nothing is counted twice', async () => {
    const before = await statsSummary(db.pool, {});
    await db.pool.query('DELETE FROM checkpoints WHERE name = $1', [STATS_CHECKPOINT_NAME]);
    await projectAllStats(db.pool, store, 5);
    expect(await statsSummary(db.pool, {})).toEqual(before);
    const { rows } = await db.pool.query<{ n: number }>(`SELECT sum(n)::int AS n FROM stats_counts WHERE granularity = 'minute' AND outcome = 'received'`);
    expect(rows[0]!.n).toBe(7);
  });

  it('lists the backlog oldest first, the failures with their reasons, and the breakdowns by département and collectivité', async () => {
    const backlog = await statsBacklog(db.pool, 10, new Date());
    expect(backlog.inFlight.total).toBe(1);
    expect(backlog.inFlight.byStatus.validated.count).toBe(1);
    expect(backlog.oldest.map((i) => [i.id, i.status, i.nom, i.departement])).toEqual([['st-f', 'validated', 'Dijon', '021']]);
    expect(backlog.failedItems.map((i) => i.id)).toEqual(['st-d']);
    const reasons = await statsReasons(db.pool, {}, 10);
    expect(reasons).toMatchObject({
      rejected: [{ code: 'ACTE.OBJET_TOO_LONG', count: 1 }],
      nacked: [{ code: 'ACTE_ANOMALY.003', count: 1 }],
      partiallyAccepted: [{ code: 'ERREUR_PJ', count: 1 }],
      failed: [{ code: 'DELIVERY.FAILED', count: 1 }],
    });
    const byDepartement = await statsBreakdown(db.pool, 'departement', {}, 10);
    // The other collectivité has no registration in this log: its département is unknown ('').
    expect(byDepartement.items.map((i) => [i.value, i.received, i.inFlight])).toEqual([
      ['021', 6, 1],
      ['', 1, 0],
    ]);
    const bySiren = await statsBreakdown(db.pool, 'siren', { kind: 'acte' }, 10);
    expect(bySiren.items[0]).toMatchObject({ value: siren, label: 'Dijon', received: 5, acknowledged: 1, rejected: 1, failed: 1 });
  });

  it('gives a series whose buckets add up to the summary of the same range', async () => {
    const to = new Date(Date.now() + 60_000);
    const from = new Date(to.getTime() - 3 * 3_600_000);
    const series = await statsSeries(db.pool, { from, to }, 'minute');
    expect(series.points).toHaveLength(181);
    const received = series.points.reduce((sum, p) => sum + p.received, 0);
    expect(received).toBe(7);
    const filtered = await statsSeries(db.pool, { from, to, departement: '021' }, 'hour');
    expect(filtered.points.reduce((sum, p) => sum + p.received, 0)).toBe(6);
    expect(filtered.points.some((p) => p.latencyMs.p50 !== null)).toBe(true);
  });
});
