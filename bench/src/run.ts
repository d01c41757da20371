/**
 * `npm run bench` (`-- --quick` for the short form, `-- --only dashboard` for one group): every benchmark, side by side with its peer in
 * the same run, printed as a table and written to bench/results/latest.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchAudit } from './audit/audit.bench.js';
import { benchDashboard } from './dashboard/dashboard.bench.js';
import { benchEventStore } from './event-store.bench.js';
import { benchMessaging } from './messaging.bench.js';
import { benchOverload } from './overload/overload.bench.js';

const quick = process.argv.includes('--quick');
/** `--only <group>` (eventStore, messaging, dashboard, audit, overload) runs one group. */
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt === -1 ? undefined : process.argv[onlyAt + 1];
const wanted = (group: string): boolean => only === undefined || only === group;
const databaseUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const natsUrl = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';

const results: Record<string, Record<string, number>> = {};
const started = Date.now();
console.log(`bench (${quick ? 'quick' : 'full'}) on ${String(cpus().length)} cores, ${String(Math.round(totalmem() / 2 ** 30))} GiB`);

if (wanted('eventStore')) results['eventStore'] = await benchEventStore({ databaseUrl, quick });
if (wanted('messaging')) results['messaging'] = await benchMessaging({ natsUrl, quick });
if (wanted('dashboard')) results['dashboard'] = await benchDashboard({ databaseUrl, natsUrl, quick });
if (wanted('audit')) results['audit'] = await benchAudit({ databaseUrl, quick });
if (wanted('overload')) results['overload'] = await benchOverload({ databaseUrl, natsUrl, quick });

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
    { at: new Date().toISOString(), quick, node: process.version, cores: cpus().length, seconds: (Date.now() - started) / 1000, results },
    null,
    2,
  ),
);
console.log(`written to ${out}`);
