#!/usr/bin/env node
// `npm start`: finds (or brings up) PostgreSQL and NATS, builds, applies the migrations, then runs
// every service as a child process in this process group, restarting any that crashes.
//   --no-build        run what is already built (the end-to-end tests build first, then start many platforms)
//   --real-channels   the State over its real channels on loopback: mutual TLS, IMAP (dovecot), SFTP
//                     (OpenSSH), where this machine has them (also RELAIS_REAL_CHANNELS=1)
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const state = join(root, '.relais');
const settings = {
  DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/relais',
  NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
  RELAIS_NAMESPACE: process.env.RELAIS_NAMESPACE ?? 'relais',
  PORT: process.env.PORT ?? '3000',
  STATE_SIM_PORT: process.env.STATE_SIM_PORT ?? '3100',
};
// The routing table's default endpoint is the simulator on this port.
settings.STATE_SIM_URL = process.env.STATE_SIM_URL ?? `http://127.0.0.1:${settings.STATE_SIM_PORT}`;
// relais-audit appends every seal of the log to this file (docs/audit-seals.md): ship it off this machine.
settings.SEAL_EXPORT_FILE = process.env.SEAL_EXPORT_FILE ?? join(state, 'seals', `${settings.RELAIS_NAMESPACE}.ndjson`);
// Without a token in the environment, the gateway generates one into this owner-only file.
if (!process.env.RELAIS_ADMIN_TOKEN) settings.RELAIS_ADMIN_TOKEN_FILE = process.env.RELAIS_ADMIN_TOKEN_FILE ?? join(state, 'admin-token');
const build = !process.argv.includes('--no-build');
const realChannels = process.argv.includes('--real-channels') || process.env.RELAIS_REAL_CHANNELS === '1';
let channels;
const children = new Map();
let stopping = false;

function log(...args) {
  console.log(`[relais ${new Date().toISOString()}]`, ...args);
}

function reachable(host, port, timeoutMs = 1000) {
  return new Promise((done) => {
    const socket = connect({ host, port: Number(port) });
    const finish = (ok) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

async function waitFor(host, port, seconds) {
  for (let i = 0; i < seconds * 4; i++) {
    if (await reachable(host, port)) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

function which(binary, extraDirs = []) {
  const dirs = [...(process.env.PATH ?? '').split(':'), ...extraDirs];
  return dirs.map((d) => join(d, binary)).find((p) => existsSync(p));
}

function dockerAnswers() {
  return spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 5000 }).status === 0;
}

function postgresBinDirs() {
  const base = '/usr/lib/postgresql';
  return existsSync(base) ? readdirSync(base).map((v) => join(base, v, 'bin')) : [];
}

/** Starts a private PostgreSQL from the installed binaries, its data in .relais/postgres. */
async function privatePostgres() {
  const initdb = which('initdb', postgresBinDirs());
  const pgCtl = which('pg_ctl', postgresBinDirs());
  if (!initdb || !pgCtl) return undefined;
  const port = 55432;
  const data = join(state, 'postgres');
  const asPostgres = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  const run = (cmd) => spawnSync(cmd[0], cmd.slice(1), { stdio: 'inherit' }).status === 0;
  if (!existsSync(join(data, 'PG_VERSION'))) {
    mkdirSync(data, { recursive: true });
    if (asPostgres.length) {
      const id = (flag) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
      const [uid, gid] = [id('-u'), id('-g')];
      chownSync(state, uid, gid);
      chownSync(data, uid, gid);
    }
    if (!run([...asPostgres, initdb, '-D', data, '-U', 'postgres', '--auth=trust'])) return undefined;
  }
  if (!(await reachable('127.0.0.1', port))) {
    run([...asPostgres, pgCtl, '-D', data, '-l', join(data, 'server.log'), '-o', `-p ${port} -c listen_addresses=127.0.0.1 -c idle_in_transaction_session_timeout=30s`, '-w', 'start']);
  }
  return (await waitFor('127.0.0.1', port, 20)) ? `postgres://postgres@127.0.0.1:${port}/relais` : undefined;
}

/** Starts a private NATS with JetStream, its data in .relais/nats. */
async function privateNats() {
  const natsServer = which('nats-server', ['/usr/sbin']);
  if (!natsServer) return undefined;
  const port = 54222;
  if (!(await reachable('127.0.0.1', port))) {
    mkdirSync(join(state, 'nats'), { recursive: true });
    const child = spawn(natsServer, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', join(state, 'nats')], { stdio: 'ignore' });
    children.set('nats-server', { child });
  }
  return (await waitFor('127.0.0.1', port, 10)) ? `nats://127.0.0.1:${port}` : undefined;
}

async function ensureServers() {
  const db = new URL(settings.DATABASE_URL);
  if (!(await reachable(db.hostname, db.port || 5432))) {
    log(`PostgreSQL does not answer at ${db.host}: starting a private one`);
    const url = (await privatePostgres()) ?? (dockerAnswers() && spawnSync('docker', ['compose', 'up', '-d', 'postgres'], { stdio: 'inherit' }).status === 0 && (await waitFor(db.hostname, db.port || 5432, 30)) ? settings.DATABASE_URL : undefined);
    if (!url) {
      console.error(`No PostgreSQL at ${db.host}, no PostgreSQL binaries and no Docker engine. Install PostgreSQL (apt-get install postgresql) or set DATABASE_URL.`);
      process.exit(2);
    }
    settings.DATABASE_URL = url;
  }
  const nats = new URL(settings.NATS_URL.replace(/^nats:/, 'http:'));
  if (!(await reachable(nats.hostname, nats.port || 4222))) {
    log(`NATS does not answer at ${nats.host}: starting a private one`);
    const url = (await privateNats()) ?? (dockerAnswers() && spawnSync('docker', ['compose', 'up', '-d', 'nats'], { stdio: 'inherit' }).status === 0 && (await waitFor(nats.hostname, nats.port || 4222, 30)) ? settings.NATS_URL : undefined);
    if (!url) {
      console.error(`No NATS at ${nats.host}, no nats-server binary and no Docker engine. Install it (apt-get install nats-server, run with -js) or set NATS_URL.`);
      process.exit(2);
    }
    settings.NATS_URL = url;
  }
}

/** The database of DATABASE_URL, created if missing; each service applies the migrations at start. */
async function createDatabaseIfMissing(url) {
  const { default: pg } = await import('pg');
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) {
      const quoted = `"${name.replaceAll('"', '""')}"`;
      await client.query(`CREATE DATABASE ${quoted}`);
      // The oldest open transaction of the cluster holds back every readAll reader: none may idle long.
      await client.query(`ALTER DATABASE ${quoted} SET idle_in_transaction_session_timeout = '60s'`);
      log(`created database ${name}`);
    }
  } finally {
    await client.end();
  }
}

function services() {
  const dir = join(root, 'services');
  return existsSync(dir)
    ? readdirSync(dir).filter((name) => existsSync(join(dir, name, 'package.json'))).sort()
    : [];
}

function startService(name, restarts = 0) {
  // A restart scheduled before the stop began.
  if (stopping) return;
  const main = join(root, 'services', name, 'dist', 'main.js');
  // RELAIS_CPU_PROFILE_DIR: a V8 CPU profile of each service, written there when it stops (node refuses --cpu-prof in NODE_OPTIONS).
  const profile = process.env.RELAIS_CPU_PROFILE_DIR;
  const profiling = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`, `--cpu-prof-name=${name}.${Date.now()}.cpuprofile`] : [];
  const child = spawn(process.execPath, ['--enable-source-maps', ...profiling, main], {
    cwd: root,
    env: { ...process.env, ...settings },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const startedAt = Date.now();
  children.set(name, { child });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    // A service that ran for a while starts again at once; one that crashes at start backs off.
    const next = Date.now() - startedAt > 30_000 ? 0 : restarts + 1;
    const delay = Math.min(500 * 2 ** next, 10_000);
    log(`relais-${name} exited (${signal ?? code}); restarting in ${delay} ms`);
    setTimeout(() => startService(name, next), delay);
  });
}

/**
 * Sends SIGTERM to `entries` ([name, {child}]) and resolves once they all exited; whatever still runs
 * `killAfterMs` later is killed.
 */
function terminate(entries, killAfterMs) {
  const running = entries.filter(([, { child }]) => child.exitCode === null && child.signalCode === null);
  const exits = running.map(
    ([name, { child }]) =>
      new Promise((done) => {
        child.once('exit', (code, signal) => {
          if (code !== 0) log(`${name} stopped (${signal ?? code})`);
          done();
        });
      }),
  );
  for (const [, { child }] of running) child.kill('SIGTERM');
  const kill = setTimeout(() => {
    for (const [name, { child }] of running) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      log(`${name} still running ${killAfterMs} ms after SIGTERM: killed`);
      child.kill('SIGKILL');
    }
  }, killAfterMs);
  return Promise.all(exits).finally(() => clearTimeout(kill));
}

/**
 * Each service stops on SIGTERM within RELAIS_SHUTDOWN_TIMEOUT_MS (default 10 s, docs/shutdown.md):
 * work in progress finishes or is handed back, acks reach NATS. A service still running 2 s past that
 * is killed. The State simulator, the private NATS and the channel servers go last, once the services
 * have let go of them.
 */
function stop() {
  if (stopping) return;
  stopping = true;
  log('stopping');
  const timeoutMs = Number(process.env.RELAIS_SHUTDOWN_TIMEOUT_MS) || 10_000;
  // The State simulator and NATS outlive the services: a delivery in flight still gets its answer.
  const outlive = new Set(['nats-server', 'state-sim']);
  const services = [...children.entries()].filter(([name]) => !outlive.has(name)).map(([name, entry]) => [`relais-${name}`, entry]);
  const servers = [...children.entries()].filter(([name]) => outlive.has(name));
  void terminate(services, timeoutMs + 2000)
    .then(() => Promise.all([terminate(servers, 5000), channels?.stop()]))
    .finally(() => process.exit(0));
}

process.on('SIGINT', stop);
process.on('SIGTERM', stop);

await ensureServers();
if (build) log('building');
if (build && spawnSync('npx', ['nx', 'run-many', '-t', 'build', '--projects=tag:type:app', '--outputStyle=static'], { stdio: 'inherit', cwd: root, env: { ...process.env, NX_TUI: 'false', NX_DAEMON: 'false' } }).status !== 0) {
  console.error('build failed');
  process.exit(1);
}
await createDatabaseIfMissing(settings.DATABASE_URL);
const names = services();
log(`PostgreSQL ${new URL(settings.DATABASE_URL).host}, NATS ${settings.NATS_URL}, namespace ${settings.RELAIS_NAMESPACE}; services: ${names.join(', ')}`);
const missing = names.filter((name) => !existsSync(join(root, 'services', name, 'dist', 'main.js')));
if (missing.length > 0) {
  console.error(`not built: ${missing.join(', ')} (run npm start without --no-build, or npx nx run-many -t build)`);
  process.exit(1);
}
if (realChannels) {
  const { startRealChannels } = await import('./real-channels.mjs');
  channels = await startRealChannels(root, settings.STATE_SIM_URL, log);
  Object.assign(settings, channels.env);
}
for (const name of names) startService(name);
void announceWhenReady();

/** Prints where the platform answers once the gateway's /health says every service is ready. */
async function announceWhenReady() {
  const url = `http://127.0.0.1:${settings.PORT}/health`;
  const deadline = Date.now() + 120_000;
  let last = '';
  while (!stopping && Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
      const body = await response.json();
      if (response.status === 200) {
        const token = settings.RELAIS_ADMIN_TOKEN_FILE ? `the admin token is in ${settings.RELAIS_ADMIN_TOKEN_FILE}` : 'the admin token is RELAIS_ADMIN_TOKEN';
        log(`ready: API http://127.0.0.1:${settings.PORT}/api/v1, simulator ${settings.STATE_SIM_URL}; ${token}`);
        return;
      }
      last = Object.entries(body.services ?? {}).filter(([, s]) => s.status !== 'ok').map(([n]) => n).join(', ');
    } catch {
      last = 'the gateway does not answer yet';
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  if (!stopping) log(`not ready after 120 s: ${last}`);
}
