// The re-base step after a restore, before the platform's first start on the restored database. It
// checks, and refuses (exit 1, the database left closed) unless every point holds:
// - transaction ids: every xid8 stored (events, checkpoints, seals: reading positions) is below
//   the next one the cluster hands out, so that a new event sorts after every restored one and a
//   reader resuming from its restored checkpoint sees it. A physical restore keeps the counter; a
//   dump restored into a new cluster restarts it near zero: with the data directory at hand, the
//   cluster is stopped cleanly and its xid epoch moved past the stored ones (pg_resetwal -e), nothing
//   in the log rewritten;
// - no session on the database: the platform must not be running yet;
// - the NATS namespace is a new one: no relay checkpoint of that name in the restored database, no
//   stream of that name on the server (see docs/backup-restore.md: the old streams remember message
//   ids and acknowledgments of work the restore has undone).
// Then it moves the transmitter's daily envelope and PES file counters past the numbers that may have
// been handed out after the backup (names the State may already have received), and opens the database.
import { jetstreamManager, JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { realpathSync } from 'node:fs';
import pg from 'pg';
import { databaseOf } from './backup.mjs';
import { DrillError, isRunning, setEpoch, startCluster, stopCluster } from './cluster.mjs';
import { closeGate, openGate } from './restore.mjs';

// The services' rule for RELAIS_NAMESPACE (relais-audit's is the strictest: 32 characters at most).
const NAMESPACE = /^[A-Za-z0-9_-]{1,32}$/;
const EPOCH = 2n ** 32n;

/**
 * Runs the re-base on the restored database at `url` for the new namespace `namespace`. `pgdata`:
 * the restored cluster's data directory, when this machine runs it (lets the transaction ids be fixed
 * here rather than refused). `numberGap`: how far to move the daily counters (`auto`: twice the
 * busiest owner-day recorded, at least 100). Resolves with `{ ok, refused?, ... }`; never leaves the
 * database open unless ok.
 */
export async function rebase({ url, namespace, natsUrl, pgdata, numberGap = 'auto' }) {
  if (!NAMESPACE.test(namespace ?? '')) throw new DrillError(`--namespace must match ${NAMESPACE.source}: ${String(namespace)}`);
  const database = databaseOf(url);
  const report = { ok: false, database, namespace };
  await openGate(url, database);
  let ok = false;
  try {
    report.sessions = await otherSessions(url);
    if (report.sessions.length > 0) return refuse(report, `${report.sessions.length} other session(s) on ${database} (${report.sessions.join(', ')}): stop the platform before the re-base`);
    report.transactionIds = await checkTransactionIds(url, database, pgdata);
    if (!report.transactionIds.ok) return refuse(report, report.transactionIds.refusal);
    report.namespaces = await checkNamespace(url, namespace, natsUrl);
    if (report.namespaces.refusal !== undefined) return refuse(report, report.namespaces.refusal);
    report.numbers = await moveDailyCounters(url, numberGap);
    ok = true;
    report.ok = true;
    return report;
  } finally {
    if (!ok) await closeGate(url, database);
  }
}

function refuse(report, reason) {
  report.refused = reason;
  return report;
}

/** The invariant, and its repair by moving the epoch when the data directory is given. */
async function checkTransactionIds(url, database, pgdata) {
  let facts = await transactionIdFacts(url);
  if (facts.ok) return facts;
  const epoch = BigInt(facts.storedMax) / EPOCH + 1n;
  const fix = `stop the cluster cleanly, run (as its owner) pg_resetwal -e ${epoch} <data directory>, start it, and run rebase again`;
  if (pgdata === undefined || !isRunning(pgdata)) {
    return { ...facts, refusal: `transaction ids: ${facts.storedMax} is stored but the cluster's next is ${facts.next}: new events would sort before the restored ones and readers would skip them. ${fix}` };
  }
  const served = await withDatabase(url, async (client) => (await client.query('SHOW data_directory')).rows[0].data_directory);
  if (realpathSync(served) !== realpathSync(pgdata)) {
    return { ...facts, refusal: `--pgdata ${pgdata} is not the data directory of the server at ${url} (${served}): nothing changed. ${fix}` };
  }
  // The database is closed while the cluster is down and comes back with the new epoch.
  await closeGate(url, database);
  stopCluster(pgdata);
  setEpoch(pgdata, epoch);
  startCluster(pgdata);
  await openGate(url, database);
  facts = await transactionIdFacts(url);
  return { ...facts, epochMovedTo: epoch.toString(), ...(facts.ok ? {} : { refusal: `transaction ids still behind after moving the epoch to ${epoch}` }) };
}

/**
 * The largest xid8 stored in any column of that type (events, checkpoints, seals: reading positions
 * all), 0 when there is none, and the next one the cluster hands out; as strings.
 */
async function transactionIdFacts(url) {
  return withDatabase(url, async (client) => {
    const { rows: columns } = await client.query(
      `SELECT table_name AS t, column_name AS c FROM information_schema.columns
        WHERE table_schema = current_schema() AND udt_name = 'xid8' ORDER BY table_name, column_name`,
    );
    const stored = {};
    let storedMax = 0n;
    for (const { t, c } of columns) {
      const { rows } = await client.query(`SELECT max("${c}")::text AS max FROM "${t}"`);
      stored[`${t}.${c}`] = rows[0].max;
      if (rows[0].max !== null && BigInt(rows[0].max) > storedMax) storedMax = BigInt(rows[0].max);
    }
    if (!('events.transaction_id' in stored)) throw new DrillError(`${databaseOf(url)} has no events table: not a Relais database`);
    const { rows } = await client.query('SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS next');
    return { ok: storedMax < BigInt(rows[0].next), storedMax: storedMax.toString(), next: rows[0].next, stored };
  });
}

async function otherSessions(url) {
  return withDatabase(url, async (client) => {
    const { rows } = await client.query(
      `SELECT coalesce(nullif(application_name, ''), client_addr::text, 'local') AS who FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
    );
    return rows.map((r) => r.who);
  });
}

/** The namespaces the restored platform used (its relays' checkpoints) and whether `namespace` is new. */
async function checkNamespace(url, namespace, natsUrl) {
  const previous = await withDatabase(url, async (client) => {
    const { rows } = await client.query(
      `SELECT substr(name, 7) AS namespace, transaction_id::text || ':' || global_position AS checkpoint FROM checkpoints WHERE name LIKE 'relay:%' ORDER BY name`,
    );
    return rows;
  });
  const result = { previous };
  if (previous.some((p) => p.namespace === namespace)) {
    return { ...result, refusal: `namespace ${namespace} is the one the backed-up platform used: its streams remember message ids and acknowledgments the restore has undone. Choose a new RELAIS_NAMESPACE` };
  }
  if (natsUrl === undefined) return { ...result, nats: 'not checked (no NATS_URL)' };
  const nc = await connect({ servers: natsUrl, timeout: 5_000 });
  try {
    const jsm = await jetstreamManager(nc);
    const messages = async (stream) => {
      try {
        return (await jsm.streams.info(stream)).state.messages;
      } catch (error) {
        if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound) return null;
        throw error;
      }
    };
    const taken = [];
    for (const stream of [`${namespace}_EVENTS`, `${namespace}_DLQ`]) if ((await messages(stream)) !== null) taken.push(stream);
    for (const p of previous) p.streams = { events: await messages(`${p.namespace}_EVENTS`), deadLetters: await messages(`${p.namespace}_DLQ`) };
    if (taken.length > 0) return { ...result, refusal: `namespace ${namespace} is in use on ${natsUrl} (${taken.join(', ')}): choose a new RELAIS_NAMESPACE` };
    return { ...result, nats: natsUrl };
  } finally {
    await nc.close();
  }
}

/**
 * The transmitter hands out envelope numbers (@ctes archives) and PES file numbers per owner and day,
 * only upwards. After a restore the counters are back at the backup, while archives named with the
 * numbers handed out since may already be at the State: the same name again would be a conflict there.
 * Numbers are dated by the day they are handed out, so only the days around today can be handed out
 * again: those counters move forward by the gap, for every owner the restored database knows.
 */
async function moveDailyCounters(url, numberGap) {
  return withDatabase(url, async (client) => {
    const counters = [
      {
        table: 'transmitter_archive_numbers',
        key: 'siren',
        owners: `SELECT siren FROM transmitter_archive_numbers
                 UNION SELECT siren FROM transmitter_archives
                 UNION SELECT substr(stream_id, 14) FROM streams WHERE stream_id LIKE 'collectivite-%'`,
      },
      {
        table: 'transmitter_pes_numbers',
        key: 'siret',
        owners: `SELECT siret FROM transmitter_pes_numbers
                 UNION SELECT siret FROM transmitter_pes_files
                 UNION SELECT substr(stream_id, 14) FROM streams WHERE stream_id LIKE 'collectivite-%'
                 UNION SELECT jsonb_path_query(data, 'lax $.**.siret') #>> '{}' FROM events WHERE stream_id LIKE 'collectivite-%'`,
      },
    ];
    const moved = {};
    for (const { table, key, owners } of counters) {
      const { rows: exists } = await client.query('SELECT to_regclass($1) IS NOT NULL AS present', [table]);
      if (!exists[0].present) continue;
      const { rows: busiest } = await client.query(`SELECT coalesce(max(last_number), 0) AS n FROM ${table}`);
      const gap = numberGap === 'auto' ? Math.max(100, 2 * Number(busiest[0].n)) : Number(numberGap);
      const result = await client.query(
        `INSERT INTO ${table} AS n (${key}, day, last_number)
         SELECT owner, day::date, $1 FROM (${owners}) AS o(owner),
                generate_series(current_date - 1, current_date + 1, interval '1 day') AS day
          WHERE owner IS NOT NULL AND owner <> ''
         ON CONFLICT (${key}, day) DO UPDATE SET last_number = n.last_number + $1`,
        [gap],
      );
      moved[table] = { gap, rows: result.rowCount };
    }
    return moved;
  });
}

async function withDatabase(url, work) {
  const client = new pg.Client({ connectionString: url, application_name: 'relais-rebase' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
