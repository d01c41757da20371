import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import ssh2 from 'ssh2';
import { CHANNEL_ERRORS } from '../errors.js';
import { findSshd, makeSftpServerDir, startSftpServer, type TestSftpServer } from '../testing/index.js';
import { SftpDrop, type SftpDropSettings } from './sftp-drop.js';

const sshd = findSshd();
if ('missing' in sshd) console.warn(`sftp-connection.int.spec skipped: ${sshd.missing}`);
const describeWithSshd = 'missing' in sshd ? describe.skip : describe;

/** `bytes` in 1 MiB pieces, one every `delayMs`; `onPiece` hears how many bytes went so far. */
async function* slowly(bytes: Buffer, delayMs: number, onPiece: (sent: number) => void = () => undefined): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += 1024 * 1024) {
    await sleep(delayMs);
    yield bytes.subarray(at, at + 1024 * 1024);
    onPiece(Math.min(at + 1024 * 1024, bytes.length));
  }
}

describeWithSshd('SftpDrop connections (a real OpenSSH sshd)', () => {
  let dir: string;
  let server: TestSftpServer;
  const opened: SftpDrop[] = [];

  const load = async (overrides: Partial<SftpDropSettings> = {}): Promise<SftpDrop> => {
    const drop = await SftpDrop.load({
      host: server.host,
      port: server.port,
      username: server.username,
      privateKeyFile: server.privateKeyFile,
      hostKeySha256: server.hostKeySha256,
      depositDir: server.remoteDepositDir,
      returnsDir: server.remoteReturnsDir,
      connectTimeoutMs: 5000,
      operationTimeoutMs: 5000,
      ...overrides,
    });
    opened.push(drop);
    return drop;
  };
  const deposited = async (prefix: string): Promise<string[]> => (await readdir(server.depositDir)).filter((name) => name.startsWith(prefix)).sort();

  beforeAll(async () => {
    dir = await makeSftpServerDir();
    server = await startSftpServer({ dir });
  });
  afterEach(async () => {
    server.resume();
    await Promise.all(opened.splice(0).map((drop) => drop.close()));
  });
  afterAll(async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a server whose host key is not the pinned one before offering it the key: nothing written', async () => {
    const logged = server.log().length;
    const otherKey = `SHA256:${createHash('sha256').update('another host key').digest('base64').replace(/=+$/, '')}`;
    const drop = await load({ hostKeySha256: otherKey });
    const outcome = await drop.deposit('PESALR2_pin.xml', randomBytes(1000), 1000);
    expect(outcome).toMatchObject({
      kind: 'refused',
      code: CHANNEL_ERRORS.SFTP_HOST_KEY_MISMATCH,
      reason: expect.stringContaining(`presented the host key ${server.hostKeySha256}, not the pinned ${otherKey}`),
    });
    await expect(drop.listReturns()).rejects.toMatchObject({ code: CHANNEL_ERRORS.SFTP_HOST_KEY_MISMATCH });
    expect(await deposited('PESALR2_pin')).toEqual([]);
    await sleep(100);
    expect(server.log().slice(logged)).not.toMatch(/publickey/);
  });

  it('takes the pin in hex as well', async () => {
    const hex = Buffer.from(server.hostKeySha256.slice('SHA256:'.length), 'base64').toString('hex');
    const drop = await load({ hostKeySha256: hex });
    expect(await drop.deposit('PESALR2_hex.xml', Buffer.from('x'), 1)).toMatchObject({ kind: 'taken' });
  });

  it('says the server refused our key', async () => {
    const drop = await load({ privateKeyFile: server.strangerKeyFile });
    expect(await drop.deposit('PESALR2_stranger.xml', randomBytes(1000), 1000)).toMatchObject({ kind: 'refused', code: CHANNEL_ERRORS.SFTP_AUTH_FAILED });
    await expect(drop.listReturns()).rejects.toMatchObject({ code: CHANNEL_ERRORS.SFTP_AUTH_FAILED });
    expect(await deposited('PESALR2_stranger')).toEqual([]);
  });

  it('is unavailable while the server is down, and works again once it is back, over a new connection', async () => {
    const drop = await load();
    expect(await drop.deposit('PESALR2_down_1.xml', Buffer.from('first'), 5)).toMatchObject({ kind: 'taken' });
    await server.stop();
    try {
      const outcome = await drop.deposit('PESALR2_down_2.xml', Buffer.from('second'), 6);
      expect(outcome).toMatchObject({ kind: 'unavailable', code: CHANNEL_ERRORS.CONNECTION_FAILED, reason: expect.stringContaining('ECONNREFUSED') });
      await expect(drop.listReturns()).rejects.toMatchObject({ code: CHANNEL_ERRORS.CONNECTION_FAILED });
    } finally {
      await server.restart();
    }
    expect(await drop.deposit('PESALR2_down_2.xml', Buffer.from('second'), 6)).toMatchObject({ kind: 'taken', alreadyThere: false });
    expect(await readFile(join(server.depositDir, 'PESALR2_down_2.xml'), 'utf8')).toBe('second');
  });

  it('reconnects on the next call after a restart between two rounds', async () => {
    const drop = await load();
    await writeFile(join(server.returnsDir, 'PES_Acquit_restart.xml'), '<PES_Acquit/>');
    expect((await drop.listReturns()).map((file) => file.name)).toContain('PES_Acquit_restart.xml');
    await server.restart();
    expect((await drop.listReturns()).map((file) => file.name)).toContain('PES_Acquit_restart.xml');
    expect((await drop.readReturn('PES_Acquit_restart.xml')).toString()).toBe('<PES_Acquit/>');
    expect(await drop.removeReturn('PES_Acquit_restart.xml')).toBe(true);
  });

  it('leaves at most a .part when the server goes down during an upload, and deposits it whole after the restart', async () => {
    const drop = await load();
    const bytes = randomBytes(30 * 1024 * 1024);
    let stopping: Promise<void> | undefined;
    const first = await drop.deposit('PESALR2_crash.xml', slowly(bytes, 5, (sent) => {
      if (sent >= 8 * 1024 * 1024) stopping ??= server.stop();
    }), bytes.length);
    await stopping;
    expect(first).toMatchObject({ kind: 'unavailable', code: CHANNEL_ERRORS.CONNECTION_FAILED, reason: expect.stringMatching(/was lost (during|before) WRITE \/\S+\/PESALR2_crash\.xml\.part/) });
    expect((await deposited('PESALR2_crash')).filter((name) => name !== 'PESALR2_crash.xml.part')).toEqual([]);

    await server.restart();
    const second = await drop.deposit('PESALR2_crash.xml', slowly(bytes, 0), bytes.length);
    expect(second).toMatchObject({ kind: 'taken', alreadyThere: false });
    expect((await readFile(join(server.depositDir, 'PESALR2_crash.xml'))).equals(bytes)).toBe(true);
    expect(await deposited('PESALR2_crash')).toEqual(['PESALR2_crash.xml']);
  });

  it('gives up on a request the server does not answer, and opens a new connection on the next call', async () => {
    const drop = await load({ operationTimeoutMs: 300 });
    expect(await drop.deposit('PESALR2_slow_1.xml', Buffer.from('one'), 3)).toMatchObject({ kind: 'taken' });
    server.pause();
    const started = Date.now();
    const outcome = await drop.deposit('PESALR2_slow_2.xml', Buffer.from('two'), 3);
    expect(outcome).toMatchObject({ kind: 'unavailable', code: CHANNEL_ERRORS.TIMEOUT, reason: expect.stringContaining('did not answer STAT') });
    expect(Date.now() - started).toBeLessThan(2000);
    server.resume();
    expect(await drop.deposit('PESALR2_slow_2.xml', Buffer.from('two'), 3)).toMatchObject({ kind: 'taken' });
  });

  it('gives up connecting to a server that does not answer within the connect timeout', async () => {
    server.pause();
    const drop = await load({ connectTimeoutMs: 300 });
    const started = Date.now();
    expect(await drop.deposit('PESALR2_mute.xml', Buffer.from('x'), 1)).toMatchObject({ kind: 'unavailable', code: CHANNEL_ERRORS.CONNECT_TIMEOUT });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('SftpDrop without a server', () => {
  let mute: Server;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    mute = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => mute.close(resolve));
  });

  it('times out on a server that accepts the connection and never speaks SSH', async () => {
    const keyDir = await mkdtemp(join(tmpdir(), 'relais-sftp-key-'));
    try {
      // Any private key will do: it is never offered. Not ed25519: ssh2 1.17's generator drops a leading
      // zero byte of the public key about once in 300 keys, and its own parser then rejects the key.
      const key = join(keyDir, 'key');
      await writeFile(key, ssh2.utils.generateKeyPairSync('ecdsa', { bits: 256 }).private);
      const drop = await SftpDrop.load({
        host: '127.0.0.1',
        port: (mute.address() as AddressInfo).port,
        username: 'relais',
        privateKeyFile: key,
        hostKeySha256: 'ab'.repeat(32),
        connectTimeoutMs: 300,
      });
      expect(await drop.deposit('PESALR2_x.xml', Buffer.from('x'), 1)).toMatchObject({ kind: 'unavailable', code: CHANNEL_ERRORS.CONNECT_TIMEOUT });
      await drop.close();
    } finally {
      await rm(keyDir, { recursive: true, force: true });
    }
  });
});
