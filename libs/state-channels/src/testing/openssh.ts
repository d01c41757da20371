import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** OpenSSH's tools found on this machine. */
export interface OpensshTools {
  /** `sshd`, run by its absolute path (sshd refuses to re-execute itself otherwise). */
  readonly path: string;
  readonly keygen: string;
}

/** A real OpenSSH `sshd` serving SFTP only on 127.0.0.1, started by {@link startSftpServer}. */
export interface TestSftpServer {
  readonly host: string;
  readonly port: number;
  /** The current user's name: the one sshd lets in. */
  readonly username: string;
  /** An unencrypted ed25519 client key (OpenSSH format) that the server authorises. */
  readonly privateKeyFile: string;
  /** An ed25519 client key encrypted with the passphrase in {@link passphraseFile}, also authorised. */
  readonly encryptedKeyFile: string;
  readonly passphraseFile: string;
  /** A client key the server does not authorise. */
  readonly strangerKeyFile: string;
  /** The server's host key fingerprint as `ssh-keygen -lf` prints it: `SHA256:<base64>`. */
  readonly hostKeySha256: string;
  /** Local paths of the deposit and returns directories, to look at or fill in the tests. */
  readonly depositDir: string;
  readonly returnsDir: string;
  /** The same directories as an SFTP client names them (`/depot`, `/retours` inside the chroot). */
  readonly remoteDepositDir: string;
  readonly remoteReturnsDir: string;
  /** What sshd wrote to its stderr lately (LogLevel VERBOSE), to read when a test fails. */
  readonly log: () => string;
  /** Stops sshd and every connection it holds (the session processes are killed, as in a crash). */
  readonly stop: () => Promise<void>;
  /** Starts sshd again on the same port with the same keys, files and directories. */
  readonly restart: () => Promise<void>;
  /** Freezes sshd and its sessions (SIGSTOP): connections stay open and nothing is answered. */
  readonly pause: () => void;
  /** Lets a paused sshd and its sessions run again (SIGCONT). */
  readonly resume: () => void;
}

/** Where Debian and most others put sshd, should it not be on the PATH (sbin often is not for users). */
const SSHD_PLACES = ['/usr/sbin/sshd', '/usr/local/sbin/sshd', '/sbin/sshd'];
const IS_ROOT = process.getuid?.() === 0;

/** OpenSSH's `sshd` and `ssh-keygen`, or why the SFTP tests cannot run. */
export function findSshd(): OpensshTools | { readonly missing: string } {
  const sshd = SSHD_PLACES.concat(onPath('sshd')).find(isExecutable);
  const keygen = onPath('ssh-keygen').find(isExecutable);
  if (sshd === undefined || keygen === undefined) {
    const absent = [sshd === undefined ? 'sshd' : undefined, keygen === undefined ? 'ssh-keygen' : undefined].filter((name) => name !== undefined).join(' and ');
    return { missing: `OpenSSH's ${absent} not found: the SFTP tests need a real sshd (apt-get install openssh-server)` };
  }
  return { path: sshd, keygen };
}

/**
 * A directory for {@link startSftpServer}. As root, sshd serves from a ChrootDirectory, and it accepts
 * one only if every directory on its path is owned by root and writable by nobody else: not under
 * `/tmp` (world-writable), hence a directory under `/run`. Otherwise under the usual temporary directory.
 * The caller removes it once done.
 */
export async function makeSftpServerDir(): Promise<string> {
  const base = IS_ROOT && unsafeChrootComponent('/run') === undefined ? '/run' : tmpdir();
  return mkdtemp(join(base, 'relais-sftp-'));
}

/**
 * Starts OpenSSH's sshd on 127.0.0.1 (a free port) serving SFTP only, with keys made by ssh-keygen in
 * `dir`: an ed25519 host key, an authorised client key, an authorised passphrase-protected one (with
 * its passphrase file) and a stranger's key. The config is self-contained (no system config or PAM):
 * public keys only, `ForceCommand internal-sftp`; as root, the user is confined to a chroot holding
 * `depot/` and `retours/` (so the client sees `/depot` and `/retours`). Run as another user, sshd has
 * no chroot and the client uses the local paths. Resolves once sshd answers with its SSH banner.
 */
export async function startSftpServer(options: { readonly dir: string }): Promise<TestSftpServer> {
  const tools = findSshd();
  if ('missing' in tools) throw new Error(tools.missing);
  const dir = resolve(options.dir);
  const root = join(dir, IS_ROOT ? 'chroot' : 'root');
  if (IS_ROOT) {
    const unsafe = unsafeChrootComponent(dir);
    if (unsafe !== undefined) {
      throw new Error(`sshd refuses a ChrootDirectory under ${unsafe}, which is not owned by root or is writable by others: use makeSftpServerDir()`);
    }
    // sshd will not start as root without its privilege separation directory (Debian: /run/sshd).
    if (!existsSync('/run/sshd')) await mkdir('/run/sshd', { mode: 0o755, recursive: true });
  }
  await mkdir(join(root, 'depot'), { recursive: true });
  await mkdir(join(root, 'retours'), { recursive: true });
  // The chroot itself must be root's and writable by no one else; the directories inside are the user's.
  await chmod(root, 0o755);

  const keygen = async (name: string, passphrase: string): Promise<string> => {
    const file = join(dir, name);
    await run(tools.keygen, ['-q', '-t', 'ed25519', '-N', passphrase, '-C', `relais-test-${name}`, '-f', file]);
    // sshd ignores a private host key readable by others (and then refuses to start).
    await chmod(file, 0o600);
    return file;
  };
  const passphrase = 'sftp key s3cret';
  const hostKey = await keygen('ssh_host_ed25519_key', '');
  const privateKeyFile = await keygen('client_ed25519', '');
  const encryptedKeyFile = await keygen('client_encrypted_ed25519', passphrase);
  const strangerKeyFile = await keygen('stranger_ed25519', '');
  const passphraseFile = join(dir, 'client_encrypted_ed25519.pass');
  await writeFile(passphraseFile, `${passphrase}\n`, { mode: 0o600 });
  const authorizedKeys = join(dir, 'authorized_keys');
  await writeFile(authorizedKeys, [privateKeyFile, encryptedKeyFile].map((key) => readFileSync(`${key}.pub`, 'utf8')).join(''), { mode: 0o600 });
  const { stdout } = await run(tools.keygen, ['-l', '-E', 'sha256', '-f', `${hostKey}.pub`]);
  const hostKeySha256 = /SHA256:[A-Za-z0-9+/]+/.exec(stdout)?.[0];
  if (hostKeySha256 === undefined) throw new Error(`ssh-keygen -l printed no SHA256 fingerprint: ${stdout}`);

  const port = await freePort();
  const username = userInfo().username;
  const config = join(dir, 'sshd_config');
  await writeFile(config, sshdConfig({ port, hostKey, authorizedKeys, pidFile: join(dir, 'sshd.pid'), username, chroot: IS_ROOT ? root : undefined }));

  const daemon = new Sshd(tools.path, config, port);
  await daemon.start();
  return {
    host: '127.0.0.1',
    port,
    username,
    privateKeyFile,
    encryptedKeyFile,
    passphraseFile,
    strangerKeyFile,
    hostKeySha256,
    depositDir: join(root, 'depot'),
    returnsDir: join(root, 'retours'),
    remoteDepositDir: IS_ROOT ? '/depot' : join(root, 'depot'),
    remoteReturnsDir: IS_ROOT ? '/retours' : join(root, 'retours'),
    log: () => daemon.log(),
    stop: () => daemon.stop(),
    restart: async () => {
      await daemon.stop();
      await daemon.start();
    },
    pause: () => {
      daemon.pause();
    },
    resume: () => {
      daemon.resume();
    },
  };
}

function sshdConfig(settings: {
  readonly port: number;
  readonly hostKey: string;
  readonly authorizedKeys: string;
  readonly pidFile: string;
  readonly username: string;
  readonly chroot: string | undefined;
}): string {
  return [
    `ListenAddress 127.0.0.1`,
    `Port ${settings.port}`,
    `HostKey ${settings.hostKey}`,
    `PidFile ${settings.pidFile}`,
    `AuthorizedKeysFile ${settings.authorizedKeys}`,
    `AllowUsers ${settings.username}`,
    `AuthenticationMethods publickey`,
    `PubkeyAuthentication yes`,
    `PasswordAuthentication no`,
    `KbdInteractiveAuthentication no`,
    `HostbasedAuthentication no`,
    `PermitRootLogin prohibit-password`,
    `UsePAM no`,
    // The key files live under a temporary directory, which StrictModes would find too open.
    `StrictModes no`,
    `PermitTTY no`,
    `AllowTcpForwarding no`,
    `AllowAgentForwarding no`,
    `X11Forwarding no`,
    `PrintMotd no`,
    `MaxStartups 100`,
    `LogLevel VERBOSE`,
    `Subsystem sftp internal-sftp`,
    `ForceCommand internal-sftp`,
    ...(settings.chroot === undefined ? [] : [`ChrootDirectory ${settings.chroot}`]),
    '',
  ].join('\n');
}

/** Lines of sshd's stderr kept for {@link TestSftpServer.log}. */
const LOG_LINES = 200;

/** The sshd process: started, waited for, stopped with its sessions, started again. */
class Sshd {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private readonly lines: string[] = [];
  private readonly paused = new Set<number>();
  private readonly killOnExit = (): void => {
    this.kill('SIGKILL');
  };

  constructor(
    private readonly path: string,
    private readonly config: string,
    private readonly port: number,
  ) {}

  log(): string {
    return this.lines.join('\n');
  }

  async start(): Promise<void> {
    // -D: stay in the foreground as our child; -e: log to stderr.
    const child = spawn(this.path, ['-D', '-e', '-f', this.config], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    let buffered = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      const lines = (buffered + text).split('\n');
      buffered = lines.pop() ?? '';
      this.lines.push(...lines);
      this.lines.splice(0, Math.max(0, this.lines.length - LOG_LINES));
    });
    let exitCode: number | string | null | undefined;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        exitCode = code ?? signal;
        resolve();
      });
      child.once('error', (error) => {
        exitCode = error.message;
        resolve();
      });
    });
    process.off('exit', this.killOnExit).on('exit', this.killOnExit);
    const deadline = Date.now() + 10_000;
    while (!(await answersSsh(this.port))) {
      if (exitCode !== undefined) throw new Error(`sshd exited (${String(exitCode)}) before answering:\n${this.log()}`);
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(`sshd did not answer on 127.0.0.1:${this.port} within 10 s:\n${this.log()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Stops the listener and every session process (SIGSTOP). */
  pause(): void {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    for (const each of [pid, ...descendantsOf(pid)]) {
      if (signal(each, 'SIGSTOP')) this.paused.add(each);
    }
  }

  /**
   * Lets every process {@link pause} stopped run again, found by pid rather than as our descendants: a
   * session whose parent exited meanwhile belongs to init now, and would stay stopped forever.
   */
  resume(): void {
    for (const pid of this.paused) signal(pid, 'SIGCONT');
    this.paused.clear();
  }

  async stop(): Promise<void> {
    const sessions = this.kill('SIGTERM');
    // A paused listener acts on SIGTERM only once resumed.
    this.resume();
    await this.exited;
    await gone(sessions);
    process.off('exit', this.killOnExit);
    this.child = undefined;
  }

  /** Signals the listener and kills its session processes (they outlive it otherwise); returns their pids. */
  private kill(listenerSignal: NodeJS.Signals): number[] {
    const child = this.child;
    if (child?.pid === undefined || child.exitCode !== null || child.signalCode !== null) return [];
    const sessions = [...new Set([...descendantsOf(child.pid), ...this.paused])].filter((pid) => pid !== child.pid);
    child.kill(listenerSignal);
    for (const pid of sessions) signal(pid, 'SIGKILL');
    return sessions;
  }
}

/** Sends `name` to `pid`; `false` when there is no such process (any more). */
function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false;
  }
}

/** Whether something on 127.0.0.1:`port` greets with an SSH banner. */
function answersSsh(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    const done = (answer: boolean): void => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(1000, () => {
      done(false);
    });
    socket.once('error', () => {
      done(false);
    });
    socket.on('data', (data: Buffer) => {
      received += data.toString('latin1');
      if (received.includes('\n')) done(received.startsWith('SSH-2.0-'));
    });
    socket.once('end', () => {
      done(false);
    });
  });
}

/** A TCP port free on 127.0.0.1 just now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

/** The pids of every process below `pid` (Linux `/proc`; none found elsewhere). */
function descendantsOf(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of safeReaddir('/proc')) {
    const child = Number(entry);
    const stat = Number.isInteger(child) ? processStat(child) : undefined;
    if (stat !== undefined) parents.set(stat.parent, [...(parents.get(stat.parent) ?? []), child]);
  }
  const found: number[] = [];
  const queue = [pid];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const child of parents.get(next) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** Waits (2 s at most) until none of `pids` is running (a zombie counts as gone: its connection is closed). */
async function gone(pids: readonly number[]): Promise<void> {
  const deadline = Date.now() + 2000;
  while (pids.some((pid) => { const state = processStat(pid)?.state; return state !== undefined && state !== 'Z'; }) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** State and parent of a process, from `/proc/<pid>/stat` (its name, in parentheses, may hold spaces). */
function processStat(pid: number): { readonly state: string; readonly parent: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, parent] = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return state === undefined || parent === undefined ? undefined : { state, parent: Number(parent) };
  } catch {
    return undefined;
  }
}

function safeReaddir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

/** The first directory on the way to `path` (itself included) that sshd would refuse to chroot through. */
function unsafeChrootComponent(path: string): string | undefined {
  const components: string[] = [];
  for (let at = resolve(path); ; at = dirname(at)) {
    components.unshift(at);
    if (dirname(at) === at) break;
  }
  return components.find((component) => {
    const { uid, mode } = statSync(component);
    return uid !== 0 || (mode & 0o022) !== 0;
  });
}

function onPath(name: string): string[] {
  return (process.env.PATH ?? '/usr/bin:/bin').split(':').filter((dir) => dir !== '').map((dir) => join(dir, name));
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
