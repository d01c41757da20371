/**
 * `npm run bench` (`-- --quick` for the short form, `-- --only e2e` for one group): every benchmark, side by side with its peer in
 * the same run, printed as a table and written to bench/results/latest.json: the headline figures of
 * issue 11 at its top (`e2e`, `eventLog`, `readAll`, `replay`, `messaging`), every group's own figures
 * under `results`, with the data sizes and durations behind them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchAudit } from './audit/audit.bench.js';
import { benchDashboard } from './dashboard/dashboard.bench.js';
import { benchEndToEnd } from './e2e/e2e.bench.js';
import { benchEventStore } from './event-store.bench.js';
import { benchMessaging } from './messaging.bench.js';
import { benchOverload } from './overload/overload.bench.js';

const quick = process.argv.includes('--quick');
/** `--only <group>` (e2e, eventStore, messaging, dashboard, audit, overload; several comma-separated) runs those groups. */
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt === -1 ? undefined : process.argv[onlyAt + 1];
const wanted = (group: string): boolean => only === undefined || only.split(',').includes(group);
const databaseUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const natsUrl = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';

const results: Record<string, Record<string, number>> = {};
const started = Date.now();
console.log(`bench (${quick ? 'quick' : 'full'}) on ${String(cpus().length)} cores, ${String(Math.round(totalmem() / 2 ** 30))} GiB`);

const seconds: Record<string, number> = {};
async function timed(group: string, run: () => Promise<Record<string, number>>): Promise<void> {
  const at = Date.now();
  results[group] = await run();
  seconds[group] = (Date.now() - at) / 1000;
}

// The platform end to end first, on a machine not yet warmed by the other groups' databases.
const profileAt = process.argv.indexOf('--profile');
const profileDir = profileAt === -1 ? undefined : process.argv[profileAt + 1];
if (wanted('e2e')) await timed('e2e', () => benchEndToEnd({ databaseUrl, natsUrl, quick, ...(profileDir === undefined ? {} : { profileDir }) }));
if (wanted('eventStore')) await timed('eventStore', () => benchEventStore({ databaseUrl, quick }));
if (wanted('messaging')) await timed('messaging', () => benchMessaging({ natsUrl, quick }));
if (wanted('dashboard')) await timed('dashboard', () => benchDashboard({ databaseUrl, natsUrl, quick }));
if (wanted('audit')) await timed('audit', () => benchAudit({ databaseUrl, quick }));
if (wanted('overload')) await timed('overload', () => benchOverload({ databaseUrl, natsUrl, quick }));

/** The figures issue 11 names, each with its peer's and the sizes behind it, for the groups that ran. */
function headline(all: Record<string, Record<string, number>>): Record<string, Record<string, number>> {
  const ratio = (a: number | undefined, b: number | undefined): number | undefined =>
    a === undefined || b === undefined || b === 0 ? undefined : Number((a / b).toFixed(2));
  const pick = (entries: Record<string, number | undefined>): Record<string, number> =>
    Object.fromEntries(Object.entries(entries).filter((entry): entry is [string, number] => entry[1] !== undefined));
  const out: Record<string, Record<string, number>> = {};
  const e2e = all['e2e'];
  if (e2e !== undefined) {
    out['e2e'] = pick({
      sustainedPerSec: e2e['sustainedPerSec'],
      sustainedSeconds: e2e['sustainedSeconds'],
      sustainedTransmissions: e2e['sustainedTransmissions'],
      p50Ms: e2e['p50Ms'],
      p95Ms: e2e['p95Ms'],
      p99Ms: e2e['p99Ms'],
      halfRatePerSec: e2e['halfRatePerSec'],
      halfRateSeconds: e2e['halfRateSeconds'],
      halfRateTransmissions: e2e['halfRateTransmissions'],
      ...Object.fromEntries(Object.entries(e2e).filter(([name]) => name.startsWith('peakRssMiB.'))),
    });
  }
  const es = all['eventStore'];
  if (es !== undefined) {
    out['eventLog'] = pick({
      appendsPerSec: es['appendsPerSec.relais'],
      emmettAppendsPerSec: es['appendsPerSec.emmett'],
      appendsRatio: ratio(es['appendsPerSec.relais'], es['appendsPerSec.emmett']),
      batchEventsPerSec: es['eventsPerSecBatch100.relais'],
      emmettBatchEventsPerSec: es['eventsPerSecBatch100.emmett'],
      batchRatio: ratio(es['eventsPerSecBatch100.relais'], es['eventsPerSecBatch100.emmett']),
      writers: 10,
      secondsEach: quick ? 3 : 10,
    });
    out['readAll'] = pick({
      eventsPerSec: es['readAll.eventsPerSec.page10000.relais'],
      eventsPerSecPage1000: es['readAll.eventsPerSec.page1000.relais'],
      events: es['readAll.events'],
    });
  }
  const audit = all['audit'];
  if (audit !== undefined) {
    out['replay'] = pick({
      eventsPerSec: audit['replay.eventsPerSec'],
      oneThreadEventsPerSec: audit['replay.oneThread.eventsPerSec'],
      events: audit['history.events'],
      workers: audit['replay.workers'],
    });
  }
  const messaging = all['messaging'];
  if (messaging !== undefined) {
    out['messaging'] = pick({
      perSec: messaging['messaging_layer_end_to_end_msgs_per_s'],
      fastAckPerSec: messaging['messaging_layer_fast_end_to_end_msgs_per_s'],
      bareClientPerSec: messaging['messaging_bare_end_to_end_msgs_per_s'],
      ratio: ratio(messaging['messaging_layer_end_to_end_msgs_per_s'], messaging['messaging_bare_end_to_end_msgs_per_s']),
      messages: messaging['messaging_messages_per_round'],
      rounds: messaging['messaging_rounds'],
    });
  }
  return out;
}

const rows: [string, string, string][] = [['benchmark', 'figure', 'value']];
for (const [group, figures] of Object.entries(results)) {
  for (const [name, value] of Object.entries(figures)) {
    rows.push([group, name, Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(2)]);
  }
}
const width = (column: 0 | 1 | 2) => Math.max(...rows.map((row) => row[column].length));
const [w0, w1, w2] = [width(0), width(1), width(2)];
for (const [group, name, value] of rows) console.log(`${group.padEnd(w0)}  ${name.padEnd(w1)}  ${value.padStart(w2)}`);

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'results', 'latest.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  JSON.stringify(
    {
      at: new Date().toISOString(),
      quick,
      node: process.version,
      cores: cpus().length,
      seconds: (Date.now() - started) / 1000,
      ...headline(results),
      groupSeconds: seconds,
      results,
    },
    null,
    2,
  ),
);
console.log(`written to ${out}`);
