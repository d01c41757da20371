import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StatsSummary, StatsWindows } from '@relais/read-models';
import { errorCodes, startGateway, type TestGateway } from '../../test/gateway.js';

let gw: TestGateway;
let supervisor: string;
let auditor: string;
let collectivite: string;

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'relais-stats-'));
  const routingFile = join(dir, 'routing.json');
  await writeFile(
    routingFile,
    JSON.stringify({
      endpoints: [
        { id: 'pref-021', channel: 'actes', url: 'http://127.0.0.1:9', label: 'Préfecture de la Côte-d’Or', window: { bytes: 1_000_000, seconds: 3600 } },
        { id: 'helios-021', channel: 'helios', url: 'http://127.0.0.1:9' },
      ],
      rules: [],
    }),
  );
  gw = await startGateway({ settings: { routingFile } });
  ({ token: supervisor } = await gw.issueToken('supervisor'));
  ({ token: auditor } = await gw.issueToken('auditor'));
  ({ token: collectivite } = await gw.issueToken('collectivite', await gw.registerCollectivite()));
});

afterAll(async () => {
  await gw.close();
});

const paths = ['summary', 'series', 'breakdown?by=departement', 'backlog', 'reasons', 'windows'].map((p) => `/api/v1/stats/${p}`);

describe('the statistics API', () => {
  it('answers supervisors and administrators, refuses collectivités and auditors (403) and anonymous calls (401)', async () => {
    for (const path of paths) {
      expect([path, (await gw.call(path, { token: supervisor })).status]).toEqual([path, 200]);
      expect([path, (await gw.call(path, { token: gw.adminToken })).status]).toEqual([path, 200]);
      for (const token of [collectivite, auditor]) {
        const refused = await gw.call(path, { token });
        expect([path, refused.status, await errorCodes(refused)]).toEqual([path, 403, ['AUTH.FORBIDDEN']]);
      }
      expect((await gw.call(path)).status).toBe(401);
    }
  });

  it('gives the summary in the shape API.md fixes, zero before anything was projected', async () => {
    const summary = (await (await gw.call('/api/v1/stats/summary', { token: supervisor })).json()) as StatsSummary;
    expect(summary).toMatchObject({
      received: 0,
      acknowledged: 0,
      rejected: 0,
      nacked: 0,
      partiallyAccepted: 0,
      failed: 0,
      cancelled: 0,
      inFlight: 0,
      byKind: { acte: { received: 0, inFlight: 0 }, pes: { received: 0, inFlight: 0 } },
      latencyMs: { p50: null, p95: null, p99: null },
    });
  });

  it('refuses a bad filter with a stable code naming the parameter', async () => {
    const cases: [string, string, string][] = [
      ['summary?from=yesterday', 'REQUEST.INVALID_QUERY', 'from'],
      ['summary?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z', 'REQUEST.INVALID_QUERY', 'to'],
      ['summary?kind=letter', 'REQUEST.INVALID_QUERY', 'kind'],
      ['summary?departement=21', 'REQUEST.INVALID_QUERY', 'departement'],
      ['summary?siren=12345', 'REQUEST.INVALID_QUERY', 'siren'],
      ['series?bucket=week', 'REQUEST.INVALID_QUERY', 'bucket'],
      ['series?bucket=minute&from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z', 'STATS.TOO_MANY_POINTS', 'bucket'],
      ['breakdown', 'REQUEST.INVALID_QUERY', 'by'],
      ['backlog?limit=0', 'REQUEST.INVALID_QUERY', 'limit'],
    ];
    for (const [path, code, field] of cases) {
      const response = await gw.call(`/api/v1/stats/${path}`, { token: supervisor });
      expect([path, response.status]).toEqual([path, 400]);
      expect((await response.json())).toEqual({ errors: [{ code, message: expect.any(String), field }] });
    }
  });

  it('lists every endpoint of the routing table with its window, even before it sent anything', async () => {
    const windows = (await (await gw.call('/api/v1/stats/windows', { token: supervisor })).json()) as StatsWindows;
    expect(windows.endpoints).toEqual([
      { endpointId: 'pref-021', label: 'Préfecture de la Côte-d’Or', window: { bytes: 1_000_000, seconds: 3600 }, windows: [] },
      { endpointId: 'helios-021', label: 'helios-021', window: null, windows: [] },
    ]);
  });

  it('gives every bucket of a series, zeros included', async () => {
    const series = (await (
      await gw.call('/api/v1/stats/series?bucket=hour&from=2026-03-01T00:30:00Z&to=2026-03-01T06:00:00Z', { token: supervisor })
    ).json()) as { points: { at: string; received: number }[] };
    expect(series.points.map((p) => p.at)).toEqual([0, 1, 2, 3, 4, 5].map((h) => `2026-03-01T0${h}:00:00.000Z`));
    expect(series.points.every((p) => p.received === 0)).toBe(true);
  });
});
