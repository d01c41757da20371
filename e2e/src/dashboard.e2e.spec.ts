import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { STATUS_EVENT_TYPES, statusCountsFromLog } from '@relais/testing';
import { browserMissing, launchChromium, watchPage } from './browser.js';
import { acteMetadata, Client, type TestCollectivite, type TransmissionBody } from './client.js';
import { eventually, startPlatform, type Platform } from './platform.js';

/*
 * Issue 7 in a real browser: the whole platform started as operators do, a supervisor signing in
 * through the form in Debian's Chromium, the dashboard checked against the event log itself, updated
 * live while actes go through, a stuck acte's history opened and a failed one retried from the page.
 */
const missing = browserMissing();
if (missing !== undefined) console.warn(`dashboard.e2e skipped: ${missing}`);
const describeWithBrowser = missing === undefined ? describe : describe.skip;

const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');

/** How the log names an event type (its wire name). */

/** Events that set a transmission's status, and those that leave it in flight. */
const STATUS_EVENTS = [...Object.values(STATUS_EVENT_TYPES), 'TransmissionValidated', 'TransmissionRouted', 'TransmissionSent', 'TransmissionDeliveryAttemptFailed', 'TransmissionRetryRequested'];
const IN_FLIGHT_EVENTS = ['TransmissionReceived', 'TransmissionValidated', 'TransmissionRouted', 'TransmissionSent', 'TransmissionDeliveryAttemptFailed', 'TransmissionRetryRequested'];

let platform: Platform | undefined;
let client: Client;
let browser: Browser | undefined;
let supervisor: string;
let dijon: TestCollectivite;
let besancon: TestCollectivite;
let lons: TestCollectivite;

beforeAll(async () => {
  if (missing !== undefined) return;
  // Two quick delivery attempts, so that a simulated outage fails an acte within a second.
  platform = await startPlatform({ env: { TRANSMITTER_MAX_ATTEMPTS: '2', TRANSMITTER_RETRY_INITIAL_MS: '200', TRANSMITTER_RETRY_MAX_MS: '500' } });
  await platform.waitUntilReady(90_000);
  client = new Client(platform);
  supervisor = await client.token('supervisor');
  [dijon, besancon, lons] = [await client.collectivite('212102313', '021', '1'), await client.collectivite('212500565', '025', '1'), await client.collectivite('213902858', '039', '1')];
  browser = await launchChromium();
}, 150_000);

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
}, 30_000);

/** The figures as the log says, by SQL over `events`: distinct transmissions per status event, and those in flight now. */
async function figuresFromLog(): Promise<Record<string, number>> {
  const figures: Record<string, number> = { ...(await statusCountsFromLog(running().db.pool)) };
  const inFlight = await running().db.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (
       SELECT DISTINCT ON (stream_id) stream_id, split_part(type, '.', 4) AS type FROM events
        WHERE type LIKE 'relais.transmission.%' AND split_part(type, '.', 4) = ANY($1) ORDER BY stream_id, global_position DESC) last
      WHERE type = ANY($2)`,
    // By name, whatever the version of the stored type (relais.transmission.v2.TransmissionFailed…).
    [STATUS_EVENTS, IN_FLIGHT_EVENTS],
  );
  figures['inFlight'] = inFlight.rows[0]?.n ?? 0;
  return figures;
}

/** The browser (the tests run only when it started). */
function launched(): Browser {
  if (browser === undefined) throw new Error('Chromium did not start');
  return browser;
}

/** The running platform (the tests run only when it started). */
function running(): Platform {
  if (platform === undefined) throw new Error('The platform did not start');
  return platform;
}

/** Waits until the page's figure `name` reads `n`. */
async function figureReads(page: Page, name: string, n: number | undefined, timeoutMs = 8000): Promise<void> {
  const figure = page.locator(`[data-figure="${name}"]`);
  await eventually(`the page's ${name} to read ${String(n)}`, async () => ((await figure.textContent()) ?? '').replace(/\D/g, '') === String(n), timeoutMs);
}

/** The headline figures the page shows, read as a supervisor reads them. */
async function figuresOnPage(page: Page): Promise<Record<string, number>> {
  const figures: Record<string, number> = {};
  for (const name of [...Object.keys(STATUS_EVENT_TYPES), 'inFlight']) {
    const text = (await page.locator(`[data-figure="${name}"]`).textContent()) ?? '';
    figures[name] = /\d/.test(text) ? Number(text.replace(/\D/g, '')) : NaN;
  }
  return figures;
}

async function submitted(collectivite: TestCollectivite, numero: string, over: Record<string, unknown> = {}): Promise<string> {
  const response = await client.submitActe(collectivite.token, acteMetadata(numero, over));
  const text = await response.text();
  if (response.status !== 202) throw new Error(`submitting ${numero}: ${response.status.toString()} ${text}`);
  return (JSON.parse(text) as { id: string }).id;
}

function reaches(id: string, statuses: readonly string[], timeoutMs = 45_000): Promise<TransmissionBody> {
  return eventually(
    `${id} to reach ${statuses.join(' or ')}`,
    async () => {
      const t = await client.transmission(supervisor, id);
      return statuses.includes(t.status) && t;
    },
    timeoutMs,
  );
}

/** Waits until the statistics' API agrees with the log (the projector has caught up). */
async function statsCaughtUp(): Promise<Record<string, number>> {
  return eventually(
    'the statistics to catch up with the log',
    async () => {
      const expected = await figuresFromLog();
      const summary = await client.json<Record<string, number>>('GET', '/api/v1/stats/summary', supervisor);
      const apart = Object.entries(expected).filter(([name, n]) => summary[name] !== n);
      // Said when the wait times out.
      if (apart.length > 0) throw new Error(apart.map(([name, n]) => `${name}: log ${n.toString()}, API ${String(summary[name])}`).join(', '));
      return expected;
    },
    30_000,
  );
}

/** Opens the dashboard, is sent to the sign-in form, and signs in with `token` there. */
async function signIn(page: Page, token: string): Promise<void> {
  await page.goto(`${running().gatewayUrl}/dashboard`);
  expect(new URL(page.url()).pathname).toBe('/signin');
  expect(new URL(page.url()).searchParams.get('next')).toBe('/dashboard');
  await page.fill('input[name="token"]', token);
  await Promise.all([page.waitForURL((url) => url.pathname !== '/signin' || url.search === ''), page.click('button[type="submit"]')]);
}

describeWithBrowser('the supervisors’ dashboard in Chromium', () => {
  it('shows the log’s figures, updates live, opens a stuck acte’s history and retries a failed one, without an error', async () => {
    // What the dashboard will show: acknowledged actes in two départements, one rejected by validation,
    // one whose delivery failed (the State down for both attempts), one stuck waiting for its AR.
    const acked = [await submitted(dijon, 'DASH_001'), await submitted(dijon, 'DASH_002'), await submitted(besancon, 'DASH_003')];
    const rejected = await submitted(besancon, 'DASH_BAD', { classification: '9.9' });
    for (const id of acked) await reaches(id, ['acknowledged']);
    expect((await reaches(rejected, ['rejected', 'acknowledged'])).status).toBe('rejected');
    await client.simConfig({ failNext: 2 });
    const failed = await submitted(lons, 'DASH_FAIL');
    expect((await reaches(failed, ['failed', 'acknowledged'])).status).toBe('failed');
    await client.simConfig({ failNext: 0, ackDelayMs: 600_000 });
    const stuck = await submitted(dijon, 'DASH_STUCK');
    await reaches(stuck, ['sent']);
    await client.simConfig({ ackDelayMs: 0 });
    const before = await statsCaughtUp();
    expect(before).toMatchObject({ received: 6, acknowledged: 3, rejected: 1, failed: 1, inFlight: 1 });

    const context = await launched().newContext({ viewport: { width: 1440, height: 1100 } });
    try {
      const page = await context.newPage();
      const trouble = watchPage(page);
      await signIn(page, supervisor);
      expect(new URL(page.url()).pathname).toBe('/dashboard');
      await page.waitForSelector('#live[data-state="live"]', { timeout: 10_000 });
      await page.waitForSelector('body[data-refreshed]', { timeout: 10_000 });

      // The headline figures are the log's.
      expect(await figuresOnPage(page)).toEqual(before);
      expect(await page.locator('[data-figure="p50"]').textContent()).toMatch(/\d/);
      // The backlog lists the stuck acte, the failed one has its Retry button, the départements and collectivités are there.
      await expect(page.locator(`#oldest tr[data-transmission="${stuck}"]`).count()).resolves.toBe(1);
      await expect(page.locator(`#failed-items tr[data-transmission="${failed}"] button[data-retry]`).count()).resolves.toBe(1);
      await expect(page.locator('#collectivites tr[data-siren]').count()).resolves.toBe(3);
      await expect(page.locator('[data-reasons="rejected"] code').first().textContent()).resolves.toMatch(/^ACTE\./);

      // Live: a new acte acknowledged shows within a couple of seconds, without a reload.
      await page.evaluate('window.stillTheSamePage = true');
      const live = await submitted(besancon, 'DASH_LIVE');
      await reaches(live, ['acknowledged']);
      const acknowledgedAt = Date.now();
      const after = await statsCaughtUp();
      expect(after['acknowledged']).toBe(before['acknowledged']! + 1);
      await figureReads(page, 'acknowledged', after['acknowledged']);
      expect(Date.now() - acknowledgedAt).toBeLessThan(8000);
      expect(await figuresOnPage(page)).toEqual(after);
      expect(await page.evaluate('window.stillTheSamePage')).toBe(true);

      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });

      // A click on the stuck acte opens its whole history.
      await page.click(`#oldest tr[data-transmission="${stuck}"]`);
      await page.waitForSelector('#history[open] .timeline li');
      expect(await page.locator('#history-title').textContent()).toBe('DASH_STUCK');
      const { items } = await client.events(supervisor, stuck);
      const steps = await Promise.all((await page.locator('#history .timeline li').all()).map((li) => li.getAttribute('data-event')));
      expect(steps).toEqual(items.map((e) => e.type));
      expect(items.at(-1)?.type).toBe('TransmissionSent');
      await page.screenshot({ path: join(ARTIFACTS, 'dashboard-history.png') });
      await page.click('#history-close');

      // Retry from the page: accepted, then delivered, and the page follows.
      await page.click(`#failed-items tr[data-transmission="${failed}"] button[data-retry]`);
      // What the retry answered stays in the panel's log after the row has gone.
      const result = page.locator(`#retry-log li[data-retried="${failed}"]`);
      await result.waitFor({ timeout: 5000 });
      expect(await result.textContent()).toMatch(/^DASH_FAIL Retry accepted: (routed|sent|acknowledged) at /);
      expect((await reaches(failed, ['acknowledged'])).status).toBe('acknowledged');
      const retried = await statsCaughtUp();
      await page.waitForSelector('#failed-empty:not([hidden])', { timeout: 8000 });
      await figureReads(page, 'acknowledged', retried['acknowledged']);

      // The other periods answer too, each with its own bucket.
      for (const range of ['1h', '7d', '30d', '1y', '24h']) {
        const seriesAsked = page.waitForResponse((r) => r.url().includes('/api/v1/stats/series') && r.status() === 200);
        await page.click(`#ranges button[data-range="${range}"]`);
        const bucket = new URL((await seriesAsked).url()).searchParams.get('bucket');
        expect([range, bucket]).toEqual([range, { '1h': 'minute', '24h': 'hour', '7d': 'hour', '30d': 'day', '1y': 'day' }[range]]);
      }
      await figureReads(page, 'received', retried['received']);

      expect(trouble.all()).toEqual([]);
    } finally {
      await context.close();
    }
  }, 240_000);

  it('refuses the dashboard to a collectivité’s token, and a bad token gets the form again', async () => {
    const context = await launched().newContext();
    try {
      const page = await context.newPage();
      await signIn(page, dijon.token);
      expect(new URL(page.url()).pathname).toBe('/dashboard');
      await expect(page.locator('h2').first().textContent()).resolves.toBe('Not for this role');
      await expect(page.locator('[data-code]').getAttribute('data-code')).resolves.toBe('AUTH.FORBIDDEN');
      const direct = await page.goto(`${running().gatewayUrl}/dashboard`);
      expect(direct?.status()).toBe(403);
      // Its session cannot read the statistics either.
      const stats = await page.evaluate(async () => (await fetch('/api/v1/stats/summary')).status);
      expect(stats).toBe(403);

      await page.click('button[type="submit"]');
      await page.waitForURL((url) => url.pathname === '/signin');
      await page.fill('input[name="token"]', 'rls_not_a_real_token');
      const [answer] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/signin') && r.request().method() === 'POST'), page.click('button[type="submit"]')]);
      expect(answer.status()).toBe(401);
      await expect(page.locator('[role="alert"]').textContent()).resolves.toContain('n’est pas connu');
      await expect(page.locator('input[name="token"]').count()).resolves.toBe(1);
    } finally {
      await context.close();
    }
  }, 60_000);
});
