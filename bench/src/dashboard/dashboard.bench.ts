/**
 * The supervisors' dashboard with a year of history (issue 7's goal: the summary call under 200 ms,
 * the page under 1 s, with 200,000 transmissions and about 1.5 million events; 10,000 in quick mode):
 * (a) the year appended with the event store's own appends, and how fast;
 * (b) the real projector (services/projector/dist) building both read models from the whole log;
 * (c) the real gateway (services/gateway/dist) answering the statistics calls, each timed over many
 *     calls, side by side with the same summary computed naively by SQL over `events` in the same run;
 * (d) the dashboard page in Debian's Chromium (when installed): from navigation to every panel drawn.
 * The auditors' operations over the same year are the `audit` group (bench/src/audit).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { migrate } from '@relais/event-store';
import { migrateReadModels } from '@relais/read-models';
import type pg from 'pg';
import { freePort } from '@relais/testing/ports';
import { withDatabase } from '../database.js';
import { appendHistory } from './history.js';

export interface DashboardBenchOptions {
  readonly databaseUrl: string;
  readonly natsUrl: string;
  readonly quick: boolean;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CHROMIUM = '/usr/bin/chromium';

export async function benchDashboard(opts: DashboardBenchOptions): Promise<Record<string, number>> {
  const results: Record<string, number> = {};
  const transmissions = opts.quick ? 10_000 : 200_000;
  const calls = opts.quick ? 15 : 40;
  await withDatabase(opts.databaseUrl, 'relais_bench_dashboard', async (url, pool) => {
    await migrate(pool);
    await migrateReadModels(pool);
    const history = await appendHistory(pool, { transmissions, collectivites: 1700, end: new Date(), seed: 2026 });
    results['history.transmissions'] = history.transmissions;
    results['history.events'] = history.events;
    results['history.appendEventsPerSec'] = Math.round(history.events / history.seconds);

    const namespace = `bench_${randomBytes(4).toString('hex')}`;
    const env = { ...process.env, DATABASE_URL: url, NATS_URL: opts.natsUrl, RELAIS_NAMESPACE: namespace };
    const projectionStarted = Date.now();
    const projector = startService('projector', env);
    try {
      // Both read models are built at once, each by its own loop on its own checkpoint.
      await Promise.all(
        ['transmissions', 'stats'].map(async (model) => {
          await caughtUp(pool, [`projector:${model}`], 60 * 60_000);
          results[`projection.${model}.seconds`] = (Date.now() - projectionStarted) / 1000;
        }),
      );
      const seconds = (Date.now() - projectionStarted) / 1000;
      results['projection.eventsPerSecBothModels'] = Math.round(history.events / seconds);
    } finally {
      await stop(projector);
    }

    const port = await freePort();
    const adminToken = `bench-admin-${randomBytes(16).toString('hex')}`;
    const gateway = startService('gateway', { ...env, PORT: String(port), RELAIS_ADMIN_TOKEN: adminToken, RELAIS_RATE_LIMIT_PER_SECOND: '100000', RELAIS_RATE_LIMIT_BURST: '100000' });
    try {
      const base = `http://127.0.0.1:${String(port)}`;
      await until(async () => (await fetch(`${base}/health`).catch(() => undefined)) !== undefined, 60_000);
      const issued = await fetch(`${base}/api/v1/admin/tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ role: 'supervisor' }),
      });
      const { token } = (await issued.json()) as { token: string };
      const now = Date.now();
      const iso = (ms: number) => new Date(ms).toISOString();
      const day = 86_400_000;
      const timed: [string, string][] = [
        ['summaryAllTime', '/api/v1/stats/summary'],
        ['summaryLast30Days', `/api/v1/stats/summary?from=${iso(now - 30 * day + 12_345)}&to=${iso(now)}`],
        ['summaryOneDepartementYear', `/api/v1/stats/summary?departement=021`],
        ['seriesLast24hByHour', '/api/v1/stats/series?bucket=hour'],
        ['seriesYearByDay', `/api/v1/stats/series?bucket=day&from=${iso(now - 365 * day)}&to=${iso(now)}`],
        ['breakdownDepartementYear', '/api/v1/stats/breakdown?by=departement'],
        ['breakdownSirenLast30Days', `/api/v1/stats/breakdown?by=siren&from=${iso(now - 30 * day)}&to=${iso(now)}`],
        ['breakdownSirenYear', '/api/v1/stats/breakdown?by=siren'],
        ['backlog', '/api/v1/stats/backlog'],
        ['reasonsYear', '/api/v1/stats/reasons'],
      ];
      for (const [name, path] of timed) {
        const ms = await timeCalls(calls, async () => {
          const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
          if (response.status !== 200) throw new Error(`${path}: ${String(response.status)} ${await response.text()}`);
          await response.arrayBuffer();
        });
        results[`api.${name}.p50Ms`] = ms.p50;
        results[`api.${name}.p95Ms`] = ms.p95;
      }
      // The same all-time counts and latency straight from the log, as a naive implementation would.
      const naive = await timeCalls(Math.min(calls, 5), async () => {
        await pool.query(`SELECT type, count(DISTINCT stream_id) FROM events WHERE type LIKE 'relais.transmission.%' GROUP BY type`);
        await pool.query(
          `SELECT percentile_disc(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY a.recorded_at - r.recorded_at)
             FROM events a JOIN events r ON r.stream_id = a.stream_id AND r.type = 'relais.transmission.v1.TransmissionReceived'
            WHERE a.type = 'relais.transmission.v1.TransmissionAcknowledged'`,
        );
      });
      results['sqlOverEvents.summaryAllTime.p50Ms'] = naive.p50;
      results['ratio.sqlOverEventsToApiSummary'] = naive.p50 / (results['api.summaryAllTime.p50Ms'] ?? Number.NaN);
      if (existsSync(CHROMIUM)) {
        const page = await timePageLoad(base, token, opts.quick ? 3 : 5).catch((error: unknown) => {
          console.error(`dashboard page: not measured: ${String(error)}`);
          return undefined;
        });
        if (page !== undefined) {
          results['page.dashboardLoad.p50Ms'] = page.p50;
          results['page.dashboardLoad.maxMs'] = page.max;
        }
      } else {
        console.log(`dashboard page: ${CHROMIUM} is missing (apt-get install chromium); not measured`);
      }
    } finally {
      await stop(gateway);
    }
  });
  return results;
}

function startService(name: string, env: NodeJS.ProcessEnv): ChildProcess {
  const main = join(root, 'services', name, 'dist', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: npm run build first`);
  const child = spawn(process.execPath, [main], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => {
    errors = (errors + chunk.toString()).slice(-4000);
  });
  child.on('exit', (code) => {
    if (code !== 0 && code !== null) console.error(`relais-${name} exited with ${String(code)}: ${errors}`);
  });
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(10_000).then(() => child.kill('SIGKILL'))]);
}

async function caughtUp(pool: pg.Pool, names: readonly string[], timeoutMs: number): Promise<void> {
  await until(async () => {
    const { rows } = await pool.query<{ behind: number }>(
      `SELECT count(*)::int AS behind FROM unnest($1::text[]) AS n(name)
        WHERE coalesce((SELECT global_position FROM checkpoints c WHERE c.name = n.name), -1) < (SELECT max(global_position) FROM events)`,
      [names],
    );
    return rows[0]?.behind === 0;
  }, timeoutMs);
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(200);
  }
}


/** Runs `call` `n` times after two warm-up calls; the median, 95th percentile and worst in ms. */
async function timeCalls(n: number, call: () => Promise<void>): Promise<{ p50: number; p95: number; max: number }> {
  await call();
  await call();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await call();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => Math.round((times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)] ?? Number.NaN) * 10) / 10;
  return { p50: at(0.5), p95: at(0.95), max: at(1) };
}

/**
 * Signs in through the form once, then loads /dashboard `n` times: from navigation to the page
 * marking itself ready (`<html data-ready="true">`, set once every panel has drawn its first data).
 */
async function timePageLoad(base: string, token: string, n: number): Promise<{ p50: number; max: number }> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`${base}/signin?next=/dashboard`);
    await page.fill('input[name=token]', token);
    await Promise.all([page.waitForURL(`${base}/dashboard`), page.click('button[type=submit], input[type=submit]')]);
    return await timeCalls(n, async () => {
      await page.goto(`${base}/dashboard`);
      // A selector, not a function: the page's CSP forbids evaluating strings.
      await page.waitForSelector('html[data-ready="true"]', { state: 'attached', timeout: 30_000 });
    });
  } finally {
    await browser.close();
  }
}
