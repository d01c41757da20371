// Restoring a backup taken by backup.mjs into a NEW cluster: never over the old one, which stays as it
// was for the investigation. The restored database is left closed to connections (the gate): only
// `rebase` opens it, once the transaction ids, the checkpoints and the namespace are right.
import { existsSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { adminUrl, checksums, MANIFEST } from './backup.mjs';
import { bin, configure, DrillError, giveToOwner, initCluster, makeDataDirectory, run, startCluster } from './cluster.mjs';

/** Reads a backup's manifest and checks every file against its SHA-256 (a truncated copy or a bad decryption fails here). */
export async function readBackup(from) {
  const path = join(from, MANIFEST);
  if (!existsSync(path)) throw new DrillError(`${path} is missing: not a backup made by backup-drill.mjs`);
  const manifest = JSON.parse(readFileSync(path, 'utf8'));
  const found = new Map((await checksums(from)).map((f) => [f.name, f]));
  for (const file of manifest.files) {
    const actual = found.get(file.name);
    if (actual === undefined) throw new DrillError(`${file.name} is missing from ${from}`);
    if (actual.sha256 !== file.sha256) throw new DrillError(`${file.name} is not the file backed up (SHA-256 ${actual.sha256}, expected ${file.sha256})`);
  }
  return manifest;
}

/**
 * Restores the backup in `from` into a new cluster at `pgdata` listening on `port` (127.0.0.1) and
 * closes the restored database to connections. A base backup can be rolled forward with the WAL
 * archive `walArchive`, to its end or to `targetTime` (point-in-time recovery).
 * Returns the restored database's connection string.
 */
export async function restore({ from, pgdata, port, walArchive, targetTime }) {
  const manifest = await readBackup(from);
  const data = resolve(pgdata);
  if (manifest.kind === 'base') restoreBase(resolve(from), data, port, walArchive === undefined ? undefined : resolve(walArchive), targetTime);
  else if (walArchive !== undefined) throw new DrillError('--wal-archive applies to a base backup only: a dump is one instant');
  else restoreDump(resolve(from), manifest, data, port);
  const url = `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(manifest.database)}`;
  await waitUntilPromoted(url);
  await closeGate(url, manifest.database);
  return { url, manifest };
}

function restoreBase(from, data, port, walArchive, targetTime) {
  makeDataDirectory(data);
  run('tar', ['-xzf', join(from, 'base', 'base.tar.gz'), '-C', data]);
  run('tar', ['-xzf', join(from, 'base', 'pg_wal.tar.gz'), '-C', join(data, 'pg_wal')]);
  giveToOwner(data, { recursive: true });
  // Every file against pg_basebackup's own manifest, and the WAL needed to make the copy consistent.
  run(bin('pg_verifybackup'), ['-m', join(from, 'base', 'backup_manifest'), data]);
  configure(data, port);
  if (walArchive !== undefined) {
    // Point-in-time recovery: replay the archived WAL after the copy, to its end or to the target.
    appendFileSync(
      join(data, 'postgresql.auto.conf'),
      `restore_command = 'cp "${walArchive}/%f" "%p"'\nrecovery_target_action = 'promote'\n` +
        (targetTime === undefined ? '' : `recovery_target_time = '${targetTime}'\n`),
    );
    writeFileSync(join(data, 'recovery.signal'), '');
    giveToOwner(join(data, 'recovery.signal'));
  }
  startCluster(data);
}

function restoreDump(from, manifest, data, port) {
  initCluster(data);
  configure(data, port);
  startCluster(data);
  const admin = `postgres://postgres@127.0.0.1:${port}/postgres`;
  // Roles first (the dump's objects name their owners); the bootstrap role exists already, which psql reports and skips.
  if (existsSync(join(from, 'globals.sql'))) run(bin('psql'), ['-q', '-d', admin, '-f', join(from, 'globals.sql')]);
  // --create: the database with its own settings (ALTER DATABASE … SET), as it was.
  run(bin('pg_restore'), ['--create', '--exit-on-error', '-d', admin, join(from, `${manifest.database}.dump`)]);
}

/** Waits until the restored cluster ends its recovery and accepts writes. */
async function waitUntilPromoted(url, timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: adminUrl(url) });
    try {
      await client.connect();
      const { rows } = await client.query('SELECT pg_is_in_recovery() AS recovering');
      if (!rows[0].recovering) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    } finally {
      await client.end().catch(() => undefined);
    }
    if (Date.now() > deadline) throw new DrillError(`the restored cluster is still recovering after ${timeoutMs / 1000} s`);
    await sleep(250);
  }
}

/** Closes `database` to every connection, the superuser's included, and ends those already open. */
export async function closeGate(url, database) {
  await withAdmin(url, async (admin) => {
    await admin.query(`ALTER DATABASE "${database.replaceAll('"', '""')}" WITH ALLOW_CONNECTIONS false`);
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
  });
}

/** Opens `database` to connections again. */
export async function openGate(url, database) {
  await withAdmin(url, (admin) => admin.query(`ALTER DATABASE "${database.replaceAll('"', '""')}" WITH ALLOW_CONNECTIONS true`));
}

/** Runs `work` on a connection to the server's maintenance database. */
export async function withAdmin(url, work) {
  const admin = new pg.Client({ connectionString: adminUrl(url), application_name: 'relais-drill' });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}
