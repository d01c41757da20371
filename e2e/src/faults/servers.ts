import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freePort, sleep } from '../platform.js';

/*
 * The suite's own PostgreSQL and NATS servers, on free ports and data directories of their own: it
 * kills and restarts them under load, which it must never do to the machine's shared servers that the
 * other tests and CI run on.
 */

const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/** What the suite uses of `drill/cluster.mjs` (plain JavaScript, shared with the backup drill). */
interface ClusterTools {
  initCluster(pgdata: string): void;
  configure(pgdata: string, port: number): void;
  startCluster(pgdata: string): void;
  stopCluster(pgdata: string): void;
  isRunning(pgdata: string): boolean;
  bin(name: string): string;
  run(command: string, args: readonly string[], options?: { asOwner?: boolean; allowFailure?: boolean }): string;
}

async function clusterTools(): Promise<ClusterTools> {
  // A path computed at run time: the module is JavaScript without declarations, typed by the interface above.
  const href = pathToFileURL(join(root, 'drill', 'cluster.mjs')).href;
  return (await import(href)) as ClusterTools;
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
export function listening(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connectTcp({ host: '127.0.0.1', port });
    const finish = (ok: boolean): void => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(1000, () => {
      finish(false);
    });
    socket.once('connect', () => {
      finish(true);
    });
    socket.once('error', () => {
      finish(false);
    });
  });
}

async function waitListening(port: number, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await listening(port))) {
    if (Date.now() > deadline) throw new Error(`${what} does not listen on ${port.toString()} after ${timeoutMs.toString()} ms`);
    await sleep(100);
  }
}

/** A PostgreSQL cluster of the suite's own (initdb, trust on loopback), which it may crash and start again. */
export interface PrivatePostgres {
  /** A URL of the cluster's `postgres` database (the platform makes its own database on it). */
  readonly url: string;
  readonly port: number;
  /** `pg_ctl stop -m immediate`: every backend quits at once without a checkpoint, as in a crash; the next start recovers from the WAL. */
  crash(): Promise<void>;
  /** Starts the cluster again on the same data directory and port. */
  start(): Promise<void>;
  /** Stops it (fast) and removes its data directory. */
  destroy(): Promise<void>;
}

/** Makes and starts a private cluster from the installed binaries (as `postgres` when run as root). */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const tools = await clusterTools();
  const dir = mkdtempSync(join(tmpdir(), 'relais-faults-pg-'));
  const pgdata = join(dir, 'data');
  const port = await freePort();
  tools.initCluster(pgdata);
  tools.configure(pgdata, port);
  // Nine services hold pools on it. fsync off: a killed server loses nothing the kernel holds (only a
  // machine crash would), and the suite shares two cores with the rest of the tests.
  appendFileSync(join(pgdata, 'postgresql.auto.conf'), 'max_connections = 300\nfsync = off\n');
  tools.startCluster(pgdata);
  await waitListening(port, 'the private PostgreSQL');
  return {
    url: `postgres://postgres@127.0.0.1:${port.toString()}/postgres`,
    port,
    async crash() {
      tools.run(tools.bin('pg_ctl'), ['-D', pgdata, '-m', 'immediate', '-w', '-t', '60', 'stop'], { asOwner: true });
      await Promise.resolve();
    },
    async start() {
      tools.startCluster(pgdata);
      await waitListening(port, 'the private PostgreSQL');
    },
    async destroy() {
      try {
        if (tools.isRunning(pgdata)) tools.stopCluster(pgdata);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      await Promise.resolve();
    },
  };
}

/** A NATS server with JetStream of the suite's own, which it may SIGKILL and start again. */
export interface PrivateNats {
  readonly url: string;
  readonly port: number;
  /** The server's pid while it runs. */
  pid(): number | undefined;
  /** SIGKILL: no shutdown, whatever JetStream had not written to its files is lost. */
  kill(): Promise<void>;
  /** Starts the server again on the same store directory and port. */
  start(): Promise<void>;
  /** Kills it and removes its store. */
  destroy(): Promise<void>;
}

/** The nats-server binary: `NATS_SERVER_BIN`, else Debian's. */
function natsServerBinary(): string {
  return process.env['NATS_SERVER_BIN'] ?? '/usr/sbin/nats-server';
}

/** Starts a private `nats-server -js` on a free port, its store in a new temporary directory. */
export async function startPrivateNats(): Promise<PrivateNats> {
  const dir = mkdtempSync(join(tmpdir(), 'relais-faults-nats-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  const launch = async (): Promise<void> => {
    const started = spawn(natsServerBinary(), ['-a', '127.0.0.1', '-p', port.toString(), '-js', '-sd', dir], { stdio: 'ignore' });
    child = started;
    const failed = new Promise<never>((_, reject) => {
      started.once('error', reject);
      started.once('exit', (code) => {
        reject(new Error(`nats-server exited with ${String(code)} at start`));
      });
    });
    await Promise.race([waitListening(port, 'the private NATS server'), failed]);
    started.removeAllListeners('exit');
  };
  const kill = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running?.pid === undefined || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((done) => running.once('exit', done));
    running.kill('SIGKILL');
    await exited;
  };
  await launch();
  return {
    url: `nats://127.0.0.1:${port.toString()}`,
    port,
    pid: () => child?.pid,
    kill,
    start: launch,
    async destroy() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
