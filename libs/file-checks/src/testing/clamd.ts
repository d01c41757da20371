import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ClamdScanner } from '../antivirus/clamd.scanner.js';
import { eicarHdbLine } from './eicar.js';

const INSTALL_HINT = 'apt-get install clamav-daemon';

/** The clamd binary, or why the tests that need one cannot run. */
export function findClamd(): { readonly path: string } | { readonly missing: string } {
  const dirs = [...(process.env.PATH ?? '').split(':').filter((dir) => dir !== ''), '/usr/sbin', '/usr/local/sbin'];
  for (const dir of dirs) {
    const path = join(dir, 'clamd');
    try {
      accessSync(path, constants.X_OK);
      return { path };
    } catch {
      // Not in this directory.
    }
  }
  return { missing: `no clamd on the PATH nor in /usr/sbin; ${INSTALL_HINT}` };
}

/** A clamd started by {@link startClamd}, listening on loopback TCP and on a unix socket. */
export interface TestClamd {
  readonly host: string;
  readonly port: number;
  readonly socketPath: string;
  /** The directory holding its configuration, database, log and sockets. */
  readonly dir: string;
  /** Stops the daemon (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. */
  stop(): Promise<void>;
}

/** How to start a test clamd. */
export interface StartClamdOptions {
  /** An existing directory of the test's own (a fresh `mkdtemp`): everything the daemon needs is written there. */
  readonly dir: string;
  /** clamd's `StreamMaxLength` (default `200M`, above the 150 MiB of an actes archive). */
  readonly streamMaxLength?: string;
  /** The TCP port to listen on (a free one by default): the same as a stopped daemon's, to stand in for it after a restart. */
  readonly port?: number;
  /** How long to wait for PONG after starting (default 60 s). */
  readonly startTimeoutMs?: number;
}

/**
 * Starts clamd in the foreground as a child process, with a database holding only one signature:
 * an MD5 hash signature of the EICAR test file (real virus databases cannot be downloaded here).
 * Resolves once it answers PING with PONG.
 */
export async function startClamd(options: StartClamdOptions): Promise<TestClamd> {
  const found = findClamd();
  if ('missing' in found) throw new Error(found.missing);
  const { dir } = options;
  const databaseDir = join(dir, 'database');
  await mkdir(databaseDir, { recursive: true });
  await writeFile(join(databaseDir, 'relais-test.hdb'), eicarHdbLine());
  const host = '127.0.0.1';
  const port = options.port ?? (await freePort(host));
  const socketPath = join(dir, 'clamd.sock');
  const logFile = join(dir, 'clamd.log');
  const streamMaxLength = options.streamMaxLength ?? '200M';
  const config = [
    'Foreground yes',
    `TCPSocket ${port}`,
    `TCPAddr ${host}`,
    `LocalSocket ${socketPath}`,
    `DatabaseDirectory ${databaseDir}`,
    `PidFile ${join(dir, 'clamd.pid')}`,
    `LogFile ${logFile}`,
    `StreamMaxLength ${streamMaxLength}`,
    // Above MaxFileSize clamd answers OK without scanning: keep the scan limits at least as large.
    `MaxFileSize ${streamMaxLength}`,
    `MaxScanSize ${streamMaxLength}`,
    'SelfCheck 0',
  ].join('\n');
  const configFile = join(dir, 'clamd.conf');
  await writeFile(configFile, `${config}\n`);

  const child = spawn(found.path, ['-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr = (stderr + text).slice(-4000);
  });
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
  });
  // Should the test process end without stop() (a crash, a killed worker), the daemon goes with it.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const stop = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    if (exited !== undefined) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exit;
    clearTimeout(timer);
  };

  const scanner = new ClamdScanner({ address: { host, port }, connectTimeoutMs: 1_000, timeoutMs: 5_000 });
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  for (;;) {
    if (exited !== undefined) {
      const log = await readFile(logFile, 'utf8').catch(() => '');
      throw new Error(`clamd exited (${exited.code ?? exited.signal ?? '?'}) before answering PING: ${stderr}${log.slice(-2000)}`);
    }
    try {
      await scanner.ping();
      return { host, port, socketPath, dir, stop };
    } catch (error) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`clamd did not answer PING within ${options.startTimeoutMs ?? 60_000} ms`, { cause: error });
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A TCP port free on `host` right now (the kernel picks it; a tiny race with other processes remains). */
async function freePort(host: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  if (address === null || typeof address === 'string') throw new Error('no TCP port was assigned');
  return address.port;
}
