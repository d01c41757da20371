// Counts each process's PostgreSQL statements by text, for profiling (not for production):
//   RELAIS_BENCH_NODE_OPTIONS="--import ./scripts/pg-query-count.mjs" RELAIS_PG_COUNT_DIR=/tmp/pgcount npm run bench -- --quick --only e2e
// writes <dir>/<service>-<pid>.json at each process's exit: [[statement (110 chars), count], …], most frequent first.
import { writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(fileURLToPath(new URL('../package.json', import.meta.url)));
const pg = require('pg');
const dir = process.env.RELAIS_PG_COUNT_DIR ?? '/tmp/relais-pg-count';
const counts = new Map();
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (config, values, callback) {
  const text = typeof config === 'string' ? config : (config?.text ?? config?.name ?? '?');
  const key = String(text).replace(/\s+/g, ' ').slice(0, 110);
  counts.set(key, (counts.get(key) ?? 0) + 1);
  return query.call(this, config, values, callback);
};
const service = (process.argv[1] ?? 'node').split('/').slice(-3)[0];
process.on('exit', () => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/${service}-${process.pid}.json`, JSON.stringify([...counts].sort((a, b) => b[1] - a[1]), null, 1));
});
