import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { startPlatform, type Platform } from '../platform.js';
import { Client } from '../client.js';
import { SteadyLoad } from './load.js';
import { formatReport } from './report.js';
import { runScenario, SCENARIOS, type FaultsWorld, type ScenarioReport } from './scenarios.js';
import { startPrivateNats, startPrivatePostgres, type PrivateNats, type PrivatePostgres } from './servers.js';
import { faultsSettings } from './settings.js';
import { registerTenants } from './tenants.js';
import { WebhookReceiver } from './webhook-receiver.js';

/*
 * Issue 9's fault-injection suite: a steady mixed load of actes and PES files runs while services are
 * SIGKILLed in turn, NATS and PostgreSQL (private servers of this suite) are restarted, the State is
 * unavailable, silent and slow, and the webhook receiver is away; after each scenario the ledger must
 * hold (see ledger.ts and docs/faults.md). `npm test` runs the short form; `npm run test:faults`, the
 * full one (FAULTS_MODE=full), with faults of minutes.
 */
const settings = faultsSettings();
const SCENARIO_TIMEOUT_MS = settings.mode === 'full' ? 45 * 60_000 : 6 * 60_000;
let postgres: PrivatePostgres | undefined;
let nats: PrivateNats | undefined;
let platform: Platform | undefined;
let receiver: WebhookReceiver | undefined;
let world: FaultsWorld;
const reports: ScenarioReport[] = [];
const progress: string[] = [];
const started = Date.now();

function log(line: string): void {
  progress.push(`${((Date.now() - started) / 1000).toFixed(1).padStart(7)} s  ${line}`);
  if (settings.mode === 'full' || process.env['FAULTS_VERBOSE'] === '1') process.stderr.write(`[faults] ${line}\n`);
}

beforeAll(async () => {
  postgres = await startPrivatePostgres();
  nats = await startPrivateNats();
  receiver = await WebhookReceiver.start();
  platform = await startPlatform({ servers: { databaseUrl: postgres.url, natsUrl: nats.url }, env: settings.platformEnv });
  await platform.waitUntilReady(120_000);
  const client = new Client(platform);
  const [supervisorToken, auditorToken] = [await client.token('supervisor'), await client.token('auditor')];
  const tenants = await registerTenants(platform, { acte: settings.acteCollectivites, pes: settings.pesCollectivites }, receiver.url);
  for (const tenant of tenants) receiver.trust(tenant.webhookId, tenant.secret);
  const load = new SteadyLoad({
    gatewayUrl: platform.gatewayUrl,
    tenants,
    ratePerSecond: settings.ratePerSecond,
    pesShare: settings.pesShare,
    archiveShare: settings.archiveShare,
    patienceMs: settings.submitPatienceMs,
  });
  world = {
    settings,
    platform,
    postgres,
    nats,
    load,
    receiver,
    ledger: { platform, supervisorToken, auditorToken, tenants, receiver, staleAfterMs: settings.mode === 'full' ? 300_000 : 60_000 },
    log,
  };
  log(`platform ready on private PostgreSQL :${postgres.port.toString()} and NATS :${nats.port.toString()}, ${tenants.length.toString()} collectivités`);
}, 240_000);

afterAll(async () => {
  const text = formatReport(settings, reports, Date.now() - started);
  process.stdout.write(`\n${text}\n`);
  const file = process.env['FAULTS_REPORT'];
  if (file !== undefined && file !== '') {
    writeFileSync(file, `${JSON.stringify({ mode: settings.mode, settings, reports, progress }, null, 2)}\n`);
    writeFileSync(file.replace(/\.json$/, '') + '.txt', `${text}\n\n${progress.join('\n')}\n`);
    if (platform !== undefined) writeFileSync(file.replace(/\.json$/, '') + '.platform.log', platform.output());
  }
  await world.load.stop().catch(() => undefined);
  await platform?.stop().catch((error: unknown) => process.stderr.write(`[faults] stopping the platform: ${String(error)}\n`));
  await receiver?.stop();
  await nats?.destroy();
  await postgres?.destroy();
}, 120_000);

describe(`the ledger holds after each fault, under a steady mixed load (${settings.mode} form)`, () => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    const report = await runScenario(world, scenario, world.load.accepted.length);
    reports.push(report);
    // The load did run through the fault, and every check found nothing wrong.
    expect(report.load.accepted).toBeGreaterThan(0);
    expect({ scenario: report.name, problems: report.ledger.problems, log: report.ledger.problems.length > 0 ? progress.slice(-40) : [] }).toEqual({
      scenario: report.name,
      problems: [],
      log: [],
    });
  }, SCENARIO_TIMEOUT_MS);
});
