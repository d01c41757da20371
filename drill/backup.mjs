// Taking a backup of the Relais database: a physical base backup of the whole cluster
// (pg_basebackup: the transaction id counter goes with it) or a logical dump of the one database
// (pg_dump: a new cluster restarts the counter, see rebase.mjs). Beside the files, relais-backup.json
// says what the backup holds: its kind, the source, the log's last event and the next transaction id
// at the backup's point, and each file's SHA-256 (checked again before a restore, after decryption).
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { bin, DrillError, run } from './cluster.mjs';

/** The file beside the backup that describes it. */
export const MANIFEST = 'relais-backup.json';

/** The same server, its maintenance database. */
export function adminUrl(url) {
  const u = new URL(url);
  u.pathname = '/postgres';
  return u.toString();
}

/** The database named by a connection string. */
export function databaseOf(url) {
  return decodeURIComponent(new URL(url).pathname.slice(1)) || 'postgres';
}

/**
 * Takes a backup of kind `base` or `dump` of the database at `url` into the new directory `out`,
 * and returns its manifest.
 */
export async function backup(kind, url, out) {
  if (kind !== 'base' && kind !== 'dump') throw new DrillError(`--kind must be base or dump, not ${String(kind)}`);
  if (existsSync(out) && readdirSync(out).length > 0) throw new DrillError(`${out} exists and is not empty`);
  mkdirSync(out, { recursive: true, mode: 0o700 });
  const startedAt = new Date().toISOString();
  const client = new pg.Client({ connectionString: url, application_name: 'relais-backup' });
  await client.connect();
  try {
    const source = await sourceFacts(client);
    let log;
    if (kind === 'dump') {
      // The facts and the dump read one snapshot: the manifest says exactly what the dump holds.
      // Held open while pg_dump imports the snapshot; read-only, it has no xid and holds back no reader.
      await client.query('SET idle_in_transaction_session_timeout = 0');
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const { rows } = await client.query('SELECT pg_export_snapshot() AS id');
      log = await logFacts(client);
      run(bin('pg_dump'), ['-d', url, '-Fc', '-Z', '6', `--snapshot=${rows[0].id}`, '-f', join(out, `${databaseOf(url)}.dump`)]);
      await client.query('COMMIT');
      // Roles (and their password hashes) live outside the database.
      run(bin('pg_dumpall'), ['-d', adminUrl(url), '--globals-only', '-f', join(out, 'globals.sql')]);
    } else {
      run(bin('pg_basebackup'), [
        '-d', url, '-D', join(out, 'base'), '-Ft', '-z', '-X', 'stream', '-c', 'fast',
        '--manifest-checksums=SHA256', '-l', `relais ${startedAt}`,
      ]);
      // The copy is consistent as of its end: the log's facts now bound what it holds from above.
      log = await logFacts(client);
    }
    // Greater than every transaction id stored in the backup: a cluster restored from it must hand out more.
    const { rows } = await client.query('SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS next');
    const manifest = {
      format: 'relais-backup/1',
      kind,
      database: databaseOf(url),
      startedAt,
      finishedAt: new Date().toISOString(),
      source,
      log,
      nextTransactionId: rows[0].next,
      files: await checksums(out),
    };
    writeFileSync(join(out, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    return manifest;
  } finally {
    await client.end();
  }
}

async function sourceFacts(client) {
  const { rows } = await client.query(
    `SELECT system_identifier::text AS id, current_setting('server_version') AS version,
            host(inet_server_addr()) AS host, current_setting('port') AS port
       FROM pg_control_system()`,
  );
  return { systemIdentifier: rows[0].id, serverVersion: rows[0].version, host: rows[0].host, port: Number(rows[0].port) };
}

/** The log's extent: events, last position and recording time, the readers' checkpoints. */
async function logFacts(client) {
  const { rows } = await client.query(
    `SELECT count(*)::text AS events, max(global_position)::text AS last_position, max(recorded_at) AS last_recorded_at FROM events`,
  );
  const checkpoints = await client.query(`SELECT name, transaction_id::text || ':' || global_position AS checkpoint FROM checkpoints ORDER BY name`);
  return {
    events: rows[0].events,
    lastPosition: rows[0].last_position,
    lastRecordedAt: rows[0].last_recorded_at?.toISOString() ?? null,
    checkpoints: Object.fromEntries(checkpoints.rows.map((r) => [r.name, r.checkpoint])),
  };
}

/** SHA-256 and size of every file under `dir` (relative names), the manifest itself excepted. */
export async function checksums(dir, prefix = '') {
  const files = [];
  for (const name of readdirSync(join(dir, prefix)).sort()) {
    const relative = prefix === '' ? name : `${prefix}/${name}`;
    if (relative === MANIFEST) continue;
    const path = join(dir, relative);
    if (statSync(path).isDirectory()) files.push(...(await checksums(dir, relative)));
    else files.push({ name: relative, bytes: statSync(path).size, sha256: await sha256Of(path) });
  }
  return files;
}

function sha256Of(path) {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
