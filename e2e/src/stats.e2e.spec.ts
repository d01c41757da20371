import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pesAllerBuffer, pesAllerShapes, PES_SAMPLE } from '@relais/pes/testing';
import { latencyBin, type StatsBreakdown, type StatsSeries, type StatsSummary } from '@relais/read-models';
import { ackLatencyFromLog, STATUS_EVENT_TYPES, statusCountsFromLog, statusCountsOf } from '@relais/testing';
import { acteMetadata, Client, type TestCollectivite } from './client.js';
import { eventually, startPlatform, type Platform } from './platform.js';

/*
 * Issue 7's check of the figures: after a mixed load (actes and PES files, with anomalies, NACKs,
 * partial acceptances and rejections), every count of /api/v1/stats/summary equals the same count
 * computed by SQL over `events`, all time and over a ragged [from, to); each latency percentile is
 * within one histogram bin of the exact value; series and breakdowns add up to the summary.
 */

const run = promisify(execFile);
const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'cli', 'dist', 'main.js');
const END = new Set(['acknowledged', 'rejected', 'nacked', 'partially_accepted', 'failed']);
let platform: Platform;
let client: Client;
let supervisor: string;
const ids: { id: string; token: string }[] = [];

beforeAll(async () => {
  platform = await startPlatform({
    env: {
      STATE_SIM_ACK_DELAY_MS: '100',
      STATE_SIM_ANOMALY_RATE: '0.25',
      STATE_SIM_PES_PARTIAL_RATE: '0.3',
      STATE_SIM_PES_NACK_RATE: '0.15',
    },
  });
  await platform.waitUntilReady(90_000);
  client = new Client(platform);
  supervisor = await client.token('supervisor');
}, 120_000);

afterAll(async () => {
  await platform.stop();
}, 30_000);

function summary(query = ''): Promise<StatsSummary> {
  return client.json<StatsSummary>('GET', `/api/v1/stats/summary${query}`, supervisor);
}

describe('supervisors’ figures after a mixed load', () => {
  it('submits actes in two départements and PES files, and waits until every one has ended', async () => {
    const places: TestCollectivite[] = [await client.collectivite('212102313', '021', '1'), await client.collectivite('212503025', '025', '1')];
    for (let i = 0; i < 24; i++) {
      const place = places[i % 2]!;
      // One in six names a classification the catalogue lacks: accepted, then rejected by validation.
      const metadata = acteMetadata(`STATS_${i.toString().padStart(3, '0')}`, i % 6 === 5 ? { classification: '9.9' } : {});
      const response = await client.submitActe(place.token, metadata);
      if (response.status === 202) ids.push({ id: ((await response.json()) as { id: string }).id, token: place.token });
    }
    const pesSiren = PES_SAMPLE.siret.slice(0, 9);
    const admin = platform.adminToken;
    const budget = { idPost: PES_SAMPLE.idPost, codCol: PES_SAMPLE.codCol, codBud: PES_SAMPLE.codBud, siret: PES_SAMPLE.siret };
    await client.json('POST', '/api/v1/admin/collectivites', admin, { siren: pesSiren, nom: 'Budget PES', departement: '034', arrondissement: '1', nature: '31', helios: [budget] }, 201);
    const pesToken = (await client.json<{ token: string }>('POST', '/api/v1/admin/tokens', admin, { role: 'collectivite', siren: pesSiren }, 201)).token;
    for (let i = 0; i < 12; i++) {
      const bytes = await pesAllerBuffer({ ...pesAllerShapes.mixed(), nomFic: `PES_STATS_${i.toString().padStart(3, '0')}.xml` });
      const response = await fetch(`${platform.gatewayUrl}/api/v1/pes`, {
        method: 'POST',
        headers: { authorization: `Bearer ${pesToken}`, 'content-type': 'application/xml' },
        body: bytes,
      });
      expect(response.status).toBe(202);
      ids.push({ id: ((await response.json()) as { id: string }).id, token: pesToken });
    }
    expect(ids.length).toBeGreaterThanOrEqual(30);
    for (const { id, token } of ids) {
      await eventually(`${id} to end`, async () => END.has((await client.transmission(token, id)).status), 90_000);
    }
  }, 240_000);

  it('gives, all time, the counts SQL finds over events, nothing in flight, and latency within one bin', async () => {
    const expected = await statusCountsFromLog(platform.db.pool);
    expect(expected['received']).toBe(ids.length);
    const got = await eventually('the statistics to catch up with the log', async () => {
      const s = await summary();
      return JSON.stringify(statusCountsOf(s)) === JSON.stringify(expected) && s.inFlight === 0 && s;
    });
    expect(got.byKind.acte.received + got.byKind.pes.received).toBe(ids.length);
    expect(got.acknowledged + got.rejected + got.nacked + got.partiallyAccepted + got.failed).toBe(ids.length);
    const exact = await ackLatencyFromLog(platform.db.pool);
    for (const p of ['p50', 'p95', 'p99'] as const) {
      expect(Math.abs(latencyBin(got.latencyMs[p]!) - latencyBin(exact[p]))).toBeLessThanOrEqual(1);
    }
  }, 60_000);

  it('gives the same counts as SQL over a ragged [from, to), and series and breakdowns that add up', async () => {
    const { rows } = await platform.db.pool.query<{ at: Date }>(
      `SELECT recorded_at AS at FROM events WHERE type LIKE 'relais.transmission.%' ORDER BY global_position`,
    );
    const from = new Date(rows[Math.floor(rows.length / 4)]!.at.getTime() + 1).toISOString();
    const to = rows[Math.floor((rows.length * 3) / 4)]!.at.toISOString();
    expect(statusCountsOf(await summary(`?from=${from}&to=${to}`))).toEqual(await statusCountsFromLog(platform.db.pool, { from, to }));

    const all = await summary();
    const wideFrom = new Date(rows[0]!.at.getTime() - 3_600_000).toISOString();
    const wideTo = new Date(Date.now() + 60_000).toISOString();
    const series = await client.json<StatsSeries>('GET', `/api/v1/stats/series?bucket=minute&from=${wideFrom}&to=${wideTo}`, supervisor);
    for (const name of Object.keys(STATUS_EVENT_TYPES) as (keyof typeof STATUS_EVENT_TYPES)[]) {
      expect([name, series.points.reduce((sum, p) => sum + p[name], 0)]).toEqual([name, all[name]]);
    }
    const byDepartement = await client.json<StatsBreakdown>('GET', '/api/v1/stats/breakdown?by=departement', supervisor);
    expect(byDepartement.items.map((i) => i.value).sort()).toEqual(['021', '025', '034']);
    expect(byDepartement.items.reduce((sum, i) => sum + i.received, 0)).toBe(all.received);
    const pes = await summary('?kind=pes');
    expect(pes.received).toBe(12);
    expect(await summary('?departement=034')).toMatchObject({ received: 12, acknowledged: pes.acknowledged, partiallyAccepted: pes.partiallyAccepted });
  }, 60_000);

  it('refuses the figures to a collectivité', async () => {
    const response = await client.call('GET', '/api/v1/stats/summary', ids[0]!.token);
    expect(response.status).toBe(403);
  });

  it('replays every projection while the platform runs: rebuilt equal to live, nothing sent or recorded again, the projector carrying on', async () => {
    const simStats = async (): Promise<unknown> => (await fetch(`${platform.simUrl}/sim/stats`)).json();
    const eventCount = async (): Promise<string> => (await platform.db.pool.query<{ n: string }>('SELECT count(*)::text AS n FROM events')).rows[0]!.n;
    const [simBefore, eventsBefore, summaryBefore] = [await simStats(), await eventCount(), await summary()];
    const replay = await run(process.execPath, [CLI, 'audit', 'replay', '--json', '--quiet'], { env: { ...process.env, DATABASE_URL: platform.db.url } });
    const report = JSON.parse(replay.stdout) as { ok: boolean; projections: { projection: string; identical: boolean; switched: boolean }[] };
    expect(report.projections.map((p) => [p.projection, p.identical, p.switched])).toEqual([
      ['transmissions', true, true],
      ['stats', true, true],
    ]);
    // The State received nothing more, the log holds no new event, the figures read the same.
    expect(await simStats()).toEqual(simBefore);
    expect(await eventCount()).toBe(eventsBefore);
    expect(await summary()).toEqual({ ...summaryBefore, asOf: expect.any(String) as unknown as string });
    // The live projector goes on writing, into the rebuilt tables.
    const response = await client.submitActe(ids[0]!.token, acteMetadata('STATS_AFTER_REPLAY'));
    expect(response.status).toBe(202);
    await eventually('the acte after the replay counted', async () => (await summary()).received === summaryBefore.received + 1);
  }, 90_000);
});
