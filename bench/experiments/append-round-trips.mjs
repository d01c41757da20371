// One-off experiment behind the README's "1.06x" (run after a build: node bench/experiments/append-round-trips.mjs;
// DATABASE_URL's server, postgres://postgres@127.0.0.1:5432 by default).
// Side by side in one run: an append as 5 round trips (BEGIN, locks, state, insert, COMMIT) or as 3
// (BEGIN+locks+state in one), 10 writers each on its own stream, one append per transaction, alternating rounds.
import { randomUUID, randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate, withTransaction } from '../../libs/event-store/dist/index.js';
import { executeBatch } from '../../libs/event-store/dist/append.js';
import { prepareAppend } from '../../libs/event-store/dist/prepare.js';
const server = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const admin = new pg.Client({ connectionString: server });
await admin.connect();
const name = `abexp_${randomBytes(3).toString('hex')}`;
await admin.query(`CREATE DATABASE ${name}`);
const pool = new pg.Pool({ connectionString: Object.assign(new URL(server), { pathname: `/${name}` }).toString(), max: 10 });
await migrate(pool);
const ev = () => ({ eventId: randomUUID(), type: 'ActeReceived', data: { acteId: randomUUID(), siren: '213105554', objet: 'Délibération portant approbation du budget primitif', nature: 1 }, metadata: { source: 'bench' } });
async function round(begin) {
  const run = randomBytes(3).toString('hex');
  const deadline = performance.now() + 4000; let n = 0; const t0 = performance.now();
  await Promise.all(Array.from({ length: 10 }, async (_, w) => {
    let v = 0n;
    while (performance.now() < deadline) {
      const streamId = `s-${run}-${w}`; const expected = v === 0n ? 'no_stream' : v;
      const append = { streamId, expected, events: prepareAppend(streamId, expected, [ev()]) };
      const [o] = await withTransaction(pool, (c) => executeBatch(c, [append], new Date(), { begin }), { begunByWork: begin });
      v = o.result.nextExpectedVersion; n++;
    }
  }));
  return n / ((performance.now() - t0) / 1000);
}
const results = { five: [], three: [] };
for (let i = 0; i < 3; i++) { results.five.push(await round(false)); results.three.push(await round(true)); }
const med = (a) => a.sort((x, y) => x - y)[1];
console.log(`5 round trips: ${Math.round(med(results.five))} appends/s; 3 round trips: ${Math.round(med(results.three))} appends/s; ratio ${(med(results.three) / med(results.five)).toFixed(2)}`);
await pool.end(); await admin.query(`DROP DATABASE ${name} WITH (FORCE)`); await admin.end();
