#!/usr/bin/env node
// The backup and restore procedure of docs/backup-restore.md, as commands. Exit codes: 0 done,
// 1 refused (the re-base found the restored database unfit to start the platform on: it stays closed),
// 2 a wrong command line, 3 it could not be done.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { backup } from './backup.mjs';
import { configure, DrillError, giveToOwner, initCluster, setEpoch, startCluster, stopCluster } from './cluster.mjs';
import { rebase } from './rebase.mjs';
import { restore } from './restore.mjs';

const USAGE = `backup-drill — back up the Relais database, restore it into a new cluster, re-base it

  node drill/backup-drill.mjs backup --kind base|dump [--db <url>] --out <dir>
      base: pg_basebackup of the whole cluster (tar, gzip, WAL included, checksummed manifest);
      dump: pg_dump -Fc of the database and pg_dumpall --globals-only, from one snapshot.
      Writes <dir>/relais-backup.json: what the backup holds and each file's SHA-256.

  node drill/backup-drill.mjs restore --from <dir> --pgdata <new data dir> --port <port>
                                     [--wal-archive <dir> [--target-time <timestamp>]]
      Checks the files against the manifest, restores into a NEW cluster listening on 127.0.0.1:<port>
      (a base backup rolled forward with the WAL archive to its end or to the target time), and leaves
      the database closed to connections until the re-base opens it.

  node drill/backup-drill.mjs rebase [--db <url>] --namespace <new namespace> [--nats <url>]
                                    [--pgdata <data dir>] [--number-gap auto|<n>] [--json]
      Refuses (exit 1, the database stays closed) unless every stored transaction id is below the
      cluster's next one (fixed here by moving the xid epoch when --pgdata is given), no session is on
      the database, and the namespace is new (no relay checkpoint of that name, no stream on NATS);
      then moves the transmitter's daily envelope and PES counters past the numbers possibly handed out
      since the backup, and opens the database. Start the platform with RELAIS_NAMESPACE=<new namespace>.

  node drill/backup-drill.mjs init --pgdata <dir> --port <port> [--epoch <n>] [--wal-archive <dir>]
  node drill/backup-drill.mjs stop --pgdata <dir>
      A scratch cluster to rehearse on (--epoch: as old as a long-lived one; --wal-archive: archiving
      its WAL there), and a clean stop.

  --db defaults to DATABASE_URL, --nats to NATS_URL.
  Exit codes: 0 done, 1 refused, 2 a wrong command line, 3 it could not be done.`;

class UsageError extends Error {}

const OPTIONS = {
  kind: { type: 'string' },
  db: { type: 'string' },
  out: { type: 'string' },
  from: { type: 'string' },
  pgdata: { type: 'string' },
  port: { type: 'string' },
  'wal-archive': { type: 'string' },
  'target-time': { type: 'string' },
  namespace: { type: 'string' },
  nats: { type: 'string' },
  'number-gap': { type: 'string' },
  epoch: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

function required(values, name) {
  const value = values[name];
  if (value === undefined || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

/** A path option, absolute: the tools run from / (the clusters' owner may not enter the current directory). */
function path(values, name) {
  return resolve(required(values, name));
}

function port(values) {
  const value = Number(required(values, 'port'));
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new UsageError(`--port must be a TCP port: ${values.port}`);
  return value;
}

function numberGap(value) {
  if (value === undefined || value === 'auto') return 'auto';
  const gap = Number(value);
  if (!Number.isSafeInteger(gap) || gap < 1) throw new UsageError(`--number-gap must be auto or a whole number from 1: ${value}`);
  return gap;
}

function database(values) {
  const url = values.db ?? process.env.DATABASE_URL;
  if (url === undefined) throw new UsageError('--db (or DATABASE_URL) is required');
  return url;
}

/** Prints the outcome: JSON with --json, else readable lines. */
function print(values, result, lines) {
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else process.stdout.write(`${lines.join('\n')}\n`);
}

async function main(argv) {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let values;
  try {
    ({ values } = parseArgs({ args: rest, options: OPTIONS, strict: true }));
  } catch (error) {
    throw new UsageError(error.message);
  }
  switch (command) {
    case 'backup': {
      const manifest = await backup(required(values, 'kind'), database(values), path(values, 'out'));
      print(values, manifest, [
        `${manifest.kind} backup of ${manifest.database} in ${values.out}: ${manifest.log.events} events up to position ${manifest.log.lastPosition} (${manifest.log.lastRecordedAt ?? 'empty log'})`,
        `next transaction id at the backup: ${manifest.nextTransactionId}; ${manifest.files.length} files, SHA-256 in relais-backup.json`,
      ]);
      return 0;
    }
    case 'restore': {
      const target = values['target-time'];
      if (target !== undefined && values['wal-archive'] === undefined) throw new UsageError('--target-time needs --wal-archive');
      const { url, manifest } = await restore({
        from: path(values, 'from'),
        pgdata: path(values, 'pgdata'),
        port: port(values),
        walArchive: values['wal-archive'] === undefined ? undefined : resolve(values['wal-archive']),
        targetTime: target,
      });
      print(values, { url, kind: manifest.kind, database: manifest.database }, [
        `restored the ${manifest.kind} backup of ${manifest.finishedAt} into ${values.pgdata}: ${url}`,
        `the database is closed to connections: run rebase --db ${url} --namespace <new namespace>${manifest.kind === 'dump' ? ` --pgdata ${values.pgdata}` : ''}`,
      ]);
      return 0;
    }
    case 'rebase': {
      const report = await rebase({
        url: database(values),
        namespace: required(values, 'namespace'),
        natsUrl: values.nats ?? process.env.NATS_URL,
        pgdata: values.pgdata === undefined ? undefined : resolve(values.pgdata),
        numberGap: numberGap(values['number-gap']),
      });
      const ids = report.transactionIds;
      print(values, report, report.ok
        ? [
            `transaction ids: every stored one (max ${ids.storedMax}) is below the next (${ids.next})${ids.epochMovedTo === undefined ? '' : `, after moving the epoch to ${ids.epochMovedTo}`}`,
            ...report.namespaces.previous.map((p) => `previous namespace ${p.namespace}: relay at ${p.checkpoint}${p.streams ? `, streams: ${String(p.streams.events ?? 'none')} events, ${String(p.streams.deadLetters ?? 'none')} dead letters` : ''}`),
            ...Object.entries(report.numbers).map(([table, m]) => `${table}: ${m.rows} owner-days moved forward by ${m.gap}`),
            `ok: ${report.database} is open; start the platform with RELAIS_NAMESPACE=${report.namespace}`,
          ]
        : [`REFUSED: ${report.refused}`, `${report.database} stays closed to connections.`]);
      return report.ok ? 0 : 1;
    }
    case 'init': {
      const pgdata = path(values, 'pgdata');
      initCluster(pgdata);
      configure(pgdata, port(values));
      if (values['wal-archive'] !== undefined) {
        const archive = resolve(values['wal-archive']);
        mkdirSync(archive, { recursive: true });
        giveToOwner(archive);
        appendFileSync(join(pgdata, 'postgresql.auto.conf'), `archive_mode = on\narchive_command = 'test ! -f "${archive}/%f" && cp "%p" "${archive}/%f"'\n`);
      }
      if (values.epoch !== undefined) setEpoch(pgdata, values.epoch);
      startCluster(pgdata);
      print(values, { url: `postgres://postgres@127.0.0.1:${port(values)}/postgres` }, [`cluster ${pgdata} runs on 127.0.0.1:${port(values)}`]);
      return 0;
    }
    case 'stop':
      stopCluster(path(values, 'pgdata'));
      return 0;
    default:
      throw new UsageError(`unknown command: ${command}`);
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) {
    process.stderr.write(`backup-drill: ${error.message}\n\n${USAGE}\n`);
    process.exitCode = 2;
  } else {
    // A refusal of the server (its errors carry a severity) or of a tool is said as it is; anything else with its stack.
    const expected = error instanceof DrillError || (error instanceof Error && 'severity' in error) || error?.code === 'ECONNREFUSED';
    process.stderr.write(`backup-drill: ${expected ? error.message : (error?.stack ?? String(error))}\n`);
    process.exitCode = 3;
  }
}
