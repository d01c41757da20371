import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import { CHANNEL_ERRORS } from '../errors.js';
import { findSshd, makeSftpServerDir, startSftpServer, type TestSftpServer } from '../testing/index.js';
import { SftpDrop, type SftpDropSettings } from './sftp-drop.js';

const sshd = findSshd();
if ('missing' in sshd) console.warn(`sftp-deposit.int.spec skipped: ${sshd.missing}`);
const describeWithSshd = 'missing' in sshd ? describe.skip : describe;

/** `bytes` as a stream of irregular pieces, the way a blob store hands them out. */
async function* streamed(bytes: Buffer): AsyncGenerator<Uint8Array> {
  for (let at = 0, i = 0; at < bytes.length; i += 1) {
    const size = [65_536, 1, 100_003, 7][i % 4] ?? 1;
    await tick();
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

describeWithSshd('SftpDrop.deposit (a real OpenSSH sshd)', () => {
  let dir: string;
  let server: TestSftpServer;
  let drop: SftpDrop;
  const opened: SftpDrop[] = [];

  const settings = (overrides: Partial<SftpDropSettings> = {}): SftpDropSettings => ({
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
  const load = async (overrides: Partial<SftpDropSettings> = {}): Promise<SftpDrop> => {
    const loaded = await SftpDrop.load(settings(overrides));
    opened.push(loaded);
    return loaded;
  };

  beforeAll(async () => {
    dir = await makeSftpServerDir();
    server = await startSftpServer({ dir });
    drop = await load();
  });
  afterAll(async () => {
    await Promise.all(opened.map((each) => each.close()));
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('streams a 5 MB file in as .part and renames it: identical bytes, no .part left', async () => {
    const bytes = randomBytes(5 * 1024 * 1024);
    const outcome = await drop.deposit('PESALR2_21340001700014_250101_001.xml', streamed(bytes), bytes.length);
    expect(outcome).toEqual({
      kind: 'taken',
      remotePath: `${server.remoteDepositDir}/PESALR2_21340001700014_250101_001.xml`,
      alreadyThere: false,
      reason: expect.stringContaining('deposited (5242880 bytes)'),
    });
    expect((await readFile(join(server.depositDir, 'PESALR2_21340001700014_250101_001.xml'))).equals(bytes)).toBe(true);
    expect((await readdir(server.depositDir)).filter((name) => name.endsWith('.part'))).toEqual([]);
  });

  it('takes a resend of the same file (same name, same size) without writing it again', async () => {
    const bytes = randomBytes(300_000);
    expect(await drop.deposit('PESALR2_resend.xml', bytes, bytes.length)).toMatchObject({ kind: 'taken', alreadyThere: false });
    const before = await stat(join(server.depositDir, 'PESALR2_resend.xml'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    let read = false;
    async function* untouched(): AsyncGenerator<Uint8Array> {
      await tick();
      read = true;
      yield bytes;
    }
    const outcome = await drop.deposit('PESALR2_resend.xml', untouched(), bytes.length);
    expect(outcome).toMatchObject({ kind: 'taken', alreadyThere: true, reason: expect.stringContaining('not written again') });
    const after = await stat(join(server.depositDir, 'PESALR2_resend.xml'));
    expect({ ino: after.ino, mtime: after.mtimeMs }).toEqual({ ino: before.ino, mtime: before.mtimeMs });
    expect(read).toBe(false);
  });

  it('refuses to publish over another file of the same name', async () => {
    await writeFile(join(server.depositDir, 'PESALR2_other.xml'), 'someone else’s file');
    const outcome = await drop.deposit('PESALR2_other.xml', randomBytes(1000), 1000);
    expect(outcome).toMatchObject({ kind: 'refused', code: CHANNEL_ERRORS.SFTP_NAME_TAKEN });
    expect(await readFile(join(server.depositDir, 'PESALR2_other.xml'), 'utf8')).toBe('someone else’s file');
  });

  it('overwrites the .part a failed attempt left', async () => {
    await writeFile(join(server.depositDir, 'PESALR2_leftover.xml.part'), randomBytes(2_000_000));
    const bytes = randomBytes(1000);
    expect(await drop.deposit('PESALR2_leftover.xml', bytes, bytes.length)).toMatchObject({ kind: 'taken' });
    expect((await readFile(join(server.depositDir, 'PESALR2_leftover.xml'))).equals(bytes)).toBe(true);
    expect(await readdir(server.depositDir)).not.toContain('PESALR2_leftover.xml.part');
  });

  it('publishes nothing when the body does not hold the announced size, and removes its .part', async () => {
    const bytes = randomBytes(100_000);
    expect(await drop.deposit('PESALR2_short.xml', streamed(bytes), 100_001)).toMatchObject({ kind: 'refused', code: CHANNEL_ERRORS.SFTP_SIZE_MISMATCH });
    expect(await drop.deposit('PESALR2_long.xml', streamed(bytes), 99_999)).toMatchObject({ kind: 'refused', code: CHANNEL_ERRORS.SFTP_SIZE_MISMATCH });
    const names = await readdir(server.depositDir);
    expect(names.filter((name) => name.startsWith('PESALR2_short') || name.startsWith('PESALR2_long'))).toEqual([]);
  });

  it('publishes nothing when the caller’s source fails, and says it may be tried again', async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield randomBytes(100_000);
      await tick();
      throw new Error('blob store unreachable');
    }
    const outcome = await drop.deposit('PESALR2_source.xml', failing(), 200_000);
    expect(outcome).toMatchObject({ kind: 'unavailable', code: CHANNEL_ERRORS.SFTP_BODY_FAILED, reason: expect.stringContaining('blob store unreachable') });
    expect((await readdir(server.depositDir)).filter((name) => name.startsWith('PESALR2_source'))).toEqual([]);
  });

  it('deposits an empty file', async () => {
    expect(await drop.deposit('PESALR2_empty.xml', new Uint8Array(0), 0)).toMatchObject({ kind: 'taken' });
    expect((await stat(join(server.depositDir, 'PESALR2_empty.xml'))).size).toBe(0);
  });

  it('refuses a name that is not a plain file name, before connecting', async () => {
    expect(await drop.deposit('../etc/passwd', new Uint8Array(1), 1)).toMatchObject({ kind: 'refused', code: CHANNEL_ERRORS.SFTP_NAME_INVALID });
  });

  it('refuses for good a deposit directory that does not exist', async () => {
    const elsewhere = await load({ depositDir: '/nowhere' });
    expect(await elsewhere.deposit('PESALR2_x.xml', new Uint8Array(1), 1)).toMatchObject({ kind: 'refused', code: CHANNEL_ERRORS.SFTP_REMOTE_REFUSED });
  });

  it('deposits with a key protected by a passphrase read from its secret file', async () => {
    const withPassphrase = await load({ privateKeyFile: server.encryptedKeyFile, passphraseFile: server.passphraseFile });
    expect(await withPassphrase.deposit('PESALR2_passphrase.xml', Buffer.from('<PES_Aller/>'), 12)).toMatchObject({ kind: 'taken' });
    expect(await readFile(join(server.depositDir, 'PESALR2_passphrase.xml'), 'utf8')).toBe('<PES_Aller/>');
  });

  it('will not load an encrypted key without its passphrase or with a wrong one, a missing or public key, a pin of another kind', async () => {
    await expect(SftpDrop.load(settings({ privateKeyFile: server.encryptedKeyFile }))).rejects.toMatchObject({ code: CHANNEL_ERRORS.SFTP_KEY_UNREADABLE });
    const wrong = join(dir, 'wrong.pass');
    await writeFile(wrong, 'not it\n');
    await expect(SftpDrop.load(settings({ privateKeyFile: server.encryptedKeyFile, passphraseFile: wrong }))).rejects.toMatchObject({ code: CHANNEL_ERRORS.SFTP_KEY_UNREADABLE });
    await expect(SftpDrop.load(settings({ privateKeyFile: join(dir, 'absent') }))).rejects.toMatchObject({ code: CHANNEL_ERRORS.SFTP_KEY_UNREADABLE });
    await expect(SftpDrop.load(settings({ privateKeyFile: `${server.privateKeyFile}.pub` }))).rejects.toMatchObject({ code: CHANNEL_ERRORS.SFTP_KEY_UNREADABLE });
    await expect(SftpDrop.load(settings({ hostKeySha256: 'MD5:ab:cd' }))).rejects.toMatchObject({ code: CHANNEL_ERRORS.SERVER_PIN_INVALID });
  });

  it('deposits several files at once over the one connection', async () => {
    const files = Array.from({ length: 6 }, (_, i) => ({ name: `PESALR2_together_${i}.xml`, bytes: randomBytes(200_000 + i) }));
    const outcomes = await Promise.all(files.map((file) => drop.deposit(file.name, streamed(file.bytes), file.bytes.length)));
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(files.map(() => 'taken'));
    for (const file of files) expect((await readFile(join(server.depositDir, file.name))).equals(file.bytes)).toBe(true);
  });
});
