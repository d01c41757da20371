// PostgreSQL clusters for the backup and restore drill: the installed binaries, run as the cluster's
// owner (when this runs as root, as `postgres`: the server refuses to run as root), a data directory
// made, started on a port, stopped cleanly, and its transaction id epoch moved.
import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A failure of a command the drill ran: its exit code stays 3 ("could not be done"). */
export class DrillError extends Error {
  name = 'DrillError';
}

/** The directory of the PostgreSQL binaries: `PG_BINDIR`, else the newest /usr/lib/postgresql/<v>/bin, else PATH. */
export function binDir() {
  if (process.env.PG_BINDIR) return process.env.PG_BINDIR;
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'pg_ctl'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? '' : join(base, versions[0], 'bin');
}

/** The path of a PostgreSQL binary (`pg_ctl`, `pg_dump`…). */
export function bin(name) {
  const dir = binDir();
  return dir === '' ? name : join(dir, name);
}

/** The OS user owning the clusters the drill makes (`RELAIS_PG_OWNER`, default `postgres` when root, else oneself). */
function owner() {
  if (process.getuid?.() !== 0) return undefined;
  return process.env.RELAIS_PG_OWNER ?? 'postgres';
}

/**
 * Runs `command` (a PostgreSQL binary name or a path) and returns its stdout; throws a DrillError
 * with its stderr when it fails. `asOwner`: as the clusters' owner (server-side tools).
 */
export function run(command, args, { asOwner = false, env, allowFailure = false } = {}) {
  const user = asOwner ? owner() : undefined;
  const [file, argv] = user === undefined ? [command, args] : ['runuser', ['-u', user, '--', command, ...args]];
  const result = spawnSync(file, argv, { encoding: 'utf8', env: { ...process.env, ...env }, cwd: '/', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new DrillError(`${command}: ${result.error.message}`);
  if (result.status !== 0 && !allowFailure) {
    throw new DrillError(`${command} ${args.join(' ')} failed (${String(result.status ?? result.signal)}): ${(result.stderr || result.stdout).trim()}`);
  }
  return result.stdout;
}

/** Hands `path` (recursively) to the clusters' owner, mode 0700 for a data directory. */
export function giveToOwner(path, { recursive = false } = {}) {
  const user = owner();
  if (user === undefined) return;
  const id = (flag) => Number(spawnSync('id', [flag, user], { encoding: 'utf8' }).stdout.trim());
  const [uid, gid] = [id('-u'), id('-g')];
  if (recursive) run('chown', ['-R', `${uid}:${gid}`, path]);
  else chownSync(path, uid, gid);
}

/** Makes an empty data directory the server accepts (owned by the owner, mode 0700, its parent traversable). */
export function makeDataDirectory(pgdata) {
  if (existsSync(pgdata) && readdirSync(pgdata).length > 0) throw new DrillError(`${pgdata} exists and is not empty: a restore never writes over a cluster`);
  mkdirSync(pgdata, { recursive: true, mode: 0o700 });
  // The owner must reach it through its parent (a temporary directory made by root is 0700): others
  // get the right to traverse the parent, not to list it.
  if (owner() !== undefined) chmodSync(dirname(pgdata), statSync(dirname(pgdata)).mode | 0o711);
  giveToOwner(pgdata);
  chmodSync(pgdata, 0o700);
}

/** `initdb` of a new, empty cluster (trust on loopback and the socket, as the drill's scratch servers). */
export function initCluster(pgdata) {
  makeDataDirectory(pgdata);
  run(bin('initdb'), ['-D', pgdata, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8'], { asOwner: true });
}

/**
 * Writes the settings of this cluster's life after the restore into `postgresql.auto.conf` (read last,
 * so they win over a restored `postgresql.conf`): its port, loopback only until the operator opens it,
 * the timeout that keeps a forgotten transaction from holding back every `readAll` reader, and no WAL
 * archiving: a restored copy must not write into the old cluster's archive (archive it anew, to a new
 * place, once it is the production cluster, and take a new base backup).
 */
export function configure(pgdata, port) {
  // Run as oneself rather than as `postgres`, the packaged socket directory is not writable: the
  // socket goes beside the data directory (every connection of the drill is over TCP anyway).
  const socket = owner() === undefined ? `unix_socket_directories = '${dirname(pgdata)}'\n` : '';
  appendFileSync(
    join(pgdata, 'postgresql.auto.conf'),
    `\n# relais backup drill: this cluster's own settings\nport = ${port}\nlisten_addresses = '127.0.0.1'\n` +
      `idle_in_transaction_session_timeout = '60s'\narchive_mode = off\n${socket}`,
  );
}

/** Starts the cluster of `pgdata` (its settings in its configuration files), its log in `pgdata/server.log`. */
export function startCluster(pgdata) {
  run(bin('pg_ctl'), ['-D', pgdata, '-l', join(pgdata, 'server.log'), '-w', '-t', '60', 'start'], { asOwner: true });
}

/** Stops the cluster cleanly (fast: sessions ended, a shutdown checkpoint written). */
export function stopCluster(pgdata) {
  run(bin('pg_ctl'), ['-D', pgdata, '-m', 'fast', '-w', '-t', '60', 'stop'], { asOwner: true });
}

/** Whether a server runs on `pgdata`. */
export function isRunning(pgdata) {
  return existsSync(join(pgdata, 'postmaster.pid')) && run(bin('pg_ctl'), ['-D', pgdata, 'status'], { asOwner: true, allowFailure: true }).includes('server is running');
}

/**
 * Moves the epoch of the cluster's next transaction id to `epoch`: every xid8 it hands out from then on
 * is at least `epoch × 2^32`. Only on a cluster stopped cleanly (`pg_resetwal` refuses otherwise): its
 * WAL holds nothing the shutdown checkpoint did not already write. The 32-bit counter is unchanged, so
 * no commit-log segment is needed; the epoch is stored nowhere but in pg_control.
 */
export function setEpoch(pgdata, epoch) {
  run(bin('pg_resetwal'), ['-e', String(epoch), '-D', pgdata], { asOwner: true });
}
