import { spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { accessSync, constants, readFileSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';

/** The `dovecot` binary, or why the tests that need a real IMAP server cannot run. */
export function findDovecot(): { readonly path: string } | { readonly missing: string } {
  for (const dir of ['/usr/sbin', '/usr/local/sbin', ...(process.env.PATH ?? '').split(':').filter((entry) => entry !== '')]) {
    const path = join(dir, 'dovecot');
    try {
      accessSync(path, constants.X_OK);
      return { path };
    } catch {
      // Not in this directory.
    }
  }
  return { missing: 'dovecot is not installed (apt-get install dovecot-imapd): the IMAP tests need a real IMAP server' };
}

/** An account of the test server; passwords are stored in clear, so no `:` in either field. */
export interface DovecotUser {
  readonly username: string;
  readonly password: string;
}

/** What {@link startDovecot} needs. */
export interface DovecotOptions {
  /** An empty directory for everything: configuration, sockets, logs, the maildirs. */
  readonly dir: string;
  /** The certificate (PEM) the server presents on imaps, and its key. */
  readonly certFile: string;
  readonly keyFile: string;
  readonly users: readonly DovecotUser[];
  /** Advertise no MOVE capability, so that clients fall back to COPY, `\Deleted` and EXPUNGE. */
  readonly withoutMove?: boolean;
}

/** A dovecot running on loopback, imaps only. */
export interface TestDovecot {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** SHA-256 of the certificate the server presents, as `openssl x509 -fingerprint -sha256` prints it. */
  readonly serverPin: string;
  /** Stops it: the master and every process of its group. */
  readonly stop: () => Promise<void>;
  /** Stops it and starts it again on the same port with the same mail. */
  readonly restart: () => Promise<void>;
  /** Freezes every process of the server (SIGSTOP): connections stay open and nothing answers. */
  readonly pause: () => void;
  /** Undoes {@link pause}. */
  readonly resume: () => void;
  /** The server's log so far, for a failing test's message. */
  readonly log: () => Promise<string>;
}

/** Dovecot 2.3's post-login capabilities, MOVE left out. */
const CAPABILITIES_WITHOUT_MOVE = 'IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY THREAD=REFERENCES THREAD=REFS THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL CATENATE UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS BINARY LITERAL+';

/** Which system accounts the server's processes run as. */
interface RunAs {
  /** Login and internal processes (a name: dovecot wants one). */
  readonly user: string;
  readonly uid: number;
  readonly gid: number;
  /** The name of `gid`, when /etc/group has one. */
  readonly group: string | undefined;
}

/**
 * Starts Debian's dovecot 2.3 as a child process with a configuration of its own written in `dir`
 * (nothing of /etc/dovecot is read): imaps on 127.0.0.1 and a free port, no cleartext IMAP, the users
 * in a passwd-file, maildirs under `dir`. As a plain user everything runs as that user; as root (which
 * dovecot refuses for logins and mail), as `nobody`. Resolves once the server greets over TLS.
 */
export async function startDovecot(options: DovecotOptions): Promise<TestDovecot> {
  const found = findDovecot();
  if ('missing' in found) throw new Error(found.missing);
  const { dir } = options;
  const runAs = accountToRunAs();
  const port = await freePort();
  const configFile = join(dir, 'dovecot.conf');
  const mailDir = join(dir, 'mail');
  await mkdir(mailDir, { recursive: true });
  if (process.getuid?.() === 0) {
    // Processes running as `nobody` must reach the maildirs and the users file.
    await chmod(dir, 0o711);
    await chown(mailDir, runAs.uid, runAs.gid);
  }
  await writeFile(join(dir, 'users'), options.users.map((user) => `${user.username}:{PLAIN}${user.password}\n`).join(''), { mode: 0o644 });
  await writeFile(configFile, dovecotConfig({ dir, port, runAs, certFile: options.certFile, keyFile: options.keyFile, withoutMove: options.withoutMove ?? false }));

  let child = await launch(found.path, configFile, port, dir);
  const stop = async (): Promise<void> => {
    await terminate(child);
  };
  return {
    host: '127.0.0.1',
    port,
    serverPin: new X509Certificate(readFileSync(options.certFile)).fingerprint256,
    stop,
    restart: async () => {
      await stop();
      child = await launch(found.path, configFile, port, dir);
    },
    pause: () => {
      if (child.pid !== undefined) killGroup(child.pid, 'SIGSTOP');
    },
    resume: () => {
      if (child.pid !== undefined) killGroup(child.pid, 'SIGCONT');
    },
    log: () => readFile(join(dir, 'dovecot.log'), 'utf8').catch(() => ''),
  };
}

/** The dovecot.conf of a self-contained test server. */
function dovecotConfig(settings: { dir: string; port: number; runAs: RunAs; certFile: string; keyFile: string; withoutMove: boolean }): string {
  const { dir, port, runAs } = settings;
  return `# Written by startDovecot (@relais/state-channels/testing): a throw-away test server.
instance_name = relais-test-${port}
protocols = imap
listen = 127.0.0.1
base_dir = ${join(dir, 'run')}
state_dir = ${join(dir, 'state')}
log_path = ${join(dir, 'dovecot.log')}
info_log_path = ${join(dir, 'dovecot.log')}
default_internal_user = ${runAs.user}
${runAs.group === undefined ? '' : `default_internal_group = ${runAs.group}\n`}default_login_user = ${runAs.user}
mail_uid = ${runAs.uid}
mail_gid = ${runAs.gid}
first_valid_uid = ${Math.min(runAs.uid, 500)}
first_valid_gid = ${Math.min(runAs.gid, 500)}
mail_location = maildir:${join(dir, 'mail')}/%u
mail_fsync = never
ssl = required
ssl_min_protocol = TLSv1.2
ssl_cert = <${settings.certFile}
ssl_key = <${settings.keyFile}
auth_mechanisms = plain login
auth_failure_delay = 0
${settings.withoutMove ? `imap_capability = ${CAPABILITIES_WITHOUT_MOVE}\n` : ''}passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${join(dir, 'users')}
}
userdb {
  driver = static
  args = home=${join(dir, 'mail')}/%u
}
service anvil {
  chroot =
  # No growing delay for logins from an IP after a failed one: the tests fail logins on purpose.
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service imap-login {
  chroot =
  inet_listener imap {
    port = 0
  }
  inet_listener imaps {
    port = ${port}
    ssl = yes
  }
}
`;
}

function accountToRunAs(): RunAs {
  const me = userInfo();
  if (me.uid !== 0) return { user: me.username, uid: me.uid, gid: me.gid, group: groupName(me.gid) };
  const nobody = entries('/etc/passwd').find((fields) => fields[0] === 'nobody');
  if (nobody === undefined) throw new Error('running as root, the test dovecot needs the unprivileged account nobody, which /etc/passwd lacks');
  const gid = Number(nobody[3]);
  return { user: 'nobody', uid: Number(nobody[2]), gid, group: groupName(gid) };
}

function groupName(gid: number): string | undefined {
  return entries('/etc/group').find((fields) => fields[2] === String(gid))?.[0];
}

function entries(file: string): string[][] {
  try {
    return readFileSync(file, 'utf8').split('\n').map((line) => line.split(':'));
  } catch {
    return [];
  }
}

/** A TCP port free on 127.0.0.1 at the time of asking. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => {
    resolve();
  }));
  return port;
}

/** Every dovecot group started and not yet stopped, killed if the test process exits without stopping them. */
const running = new Set<number>();
process.once('exit', () => {
  for (const pid of running) killGroup(pid, 'SIGKILL');
});

/** Starts the master in its own process group and waits for a TLS greeting on `port`. */
async function launch(binary: string, configFile: string, port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(binary, ['-F', '-c', configFile], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const pid = child.pid;
  if (pid !== undefined) running.add(pid);
  child.once('exit', () => {
    if (pid !== undefined) running.delete(pid);
  });
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const log = await readFile(join(dir, 'dovecot.log'), 'utf8').catch(() => '');
      throw new Error(`dovecot exited at start-up (${String(child.exitCode ?? child.signalCode)}): ${stderr}${log}`);
    }
    if (await greets(port)) return child;
    if (Date.now() > deadline) {
      await terminate(child);
      throw new Error(`dovecot did not greet on 127.0.0.1:${port} within 15 s: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Whether an imaps greeting naming the server ready comes on `port` (the first login waits for no auth process then). */
function greets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false });
    let text = '';
    const done = (ready: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ready);
    };
    const timer = setTimeout(() => {
      done(false);
    }, 2_000);
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (/^\* OK .*ready\./m.test(text)) done(true);
    });
    socket.once('error', () => {
      done(false);
    });
    socket.once('close', () => {
      done(false);
    });
  });
}

/**
 * SIGTERM to the master, which ends its services and tells clients BYE; SIGKILL to the whole group if it
 * has not exited within 5 s. Resolves once it has, and nothing of its group is left.
 */
async function terminate(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => {
    resolve();
  }));
  killGroup(pid, 'SIGCONT');
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    killGroup(pid, 'SIGKILL');
  }, 5_000);
  await exited;
  clearTimeout(timer);
  // The master is gone; stragglers of its group (a login or imap process) go with it.
  killGroup(pid, 'SIGKILL');
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already empty.
  }
}
