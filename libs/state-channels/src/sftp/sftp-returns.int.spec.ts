import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CHANNEL_ERRORS } from '../errors.js';
import { findSshd, makeSftpServerDir, startSftpServer, type TestSftpServer } from '../testing/index.js';
import { SftpDrop } from './sftp-drop.js';

const sshd = findSshd();
if ('missing' in sshd) console.warn(`sftp-returns.int.spec skipped: ${sshd.missing}`);
const describeWithSshd = 'missing' in sshd ? describe.skip : describe;

describeWithSshd('SftpDrop returns (a real OpenSSH sshd)', () => {
  let dir: string;
  let server: TestSftpServer;
  let drop: SftpDrop;

  beforeAll(async () => {
    dir = await makeSftpServerDir();
    server = await startSftpServer({ dir });
    drop = await SftpDrop.load({
      host: server.host,
      port: server.port,
      username: server.username,
      privateKeyFile: server.privateKeyFile,
      hostKeySha256: server.hostKeySha256,
      depositDir: server.remoteDepositDir,
      returnsDir: server.remoteReturnsDir,
      connectTimeoutMs: 5000,
      operationTimeoutMs: 5000,
    });
  });
  afterAll(async () => {
    await drop.close();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** Puts a file in the returns directory as the DGFiP would, dated `secondsAgo`. */
  const put = async (name: string, bytes: Buffer, secondsAgo: number): Promise<void> => {
    const path = join(server.returnsDir, name);
    await writeFile(path, bytes);
    const when = new Date(Date.now() - secondsAgo * 1000);
    await utimes(path, when, when);
  };

  it('lists, reads and removes the returns, oldest first, leaving out uploads in progress and dot files', async () => {
    const acquit = randomBytes(3_000_000);
    const nonAcquit = Buffer.from('<PES_NonAcquit/>');
    const retour = randomBytes(40_000);
    await put('PES_Retour_3.xml', retour, 10);
    await put('PES_Acquit_1.xml', acquit, 300);
    await put('PES_NonAcquit_2.xml', nonAcquit, 200);
    await put('PES_Acquit_4.xml.part', randomBytes(100), 400);
    await put('.listing', randomBytes(10), 500);
    await mkdir(join(server.returnsDir, 'archive'));

    const listed = await drop.listReturns();
    expect(listed.map(({ name, size }) => ({ name, size }))).toEqual([
      { name: 'PES_Acquit_1.xml', size: acquit.length },
      { name: 'PES_NonAcquit_2.xml', size: nonAcquit.length },
      { name: 'PES_Retour_3.xml', size: retour.length },
    ]);
    expect(Math.abs((listed[0]?.modifiedAt.getTime() ?? 0) - (Date.now() - 300_000))).toBeLessThan(2000);

    expect((await drop.readReturn('PES_Acquit_1.xml')).equals(acquit)).toBe(true);
    expect((await drop.readReturn('PES_NonAcquit_2.xml')).equals(nonAcquit)).toBe(true);
    expect((await drop.readReturn('PES_Retour_3.xml')).equals(retour)).toBe(true);

    expect(await drop.removeReturn('PES_Acquit_1.xml')).toBe(true);
    expect(await drop.removeReturn('PES_Acquit_1.xml')).toBe(false);
    expect((await drop.listReturns()).map((file) => file.name)).toEqual(['PES_NonAcquit_2.xml', 'PES_Retour_3.xml']);
    expect(await readdir(server.returnsDir)).not.toContain('PES_Acquit_1.xml');
  });

  it('reads an empty return', async () => {
    await put('PES_Acquit_empty.xml', Buffer.alloc(0), 1);
    expect(await drop.readReturn('PES_Acquit_empty.xml')).toEqual(Buffer.alloc(0));
  });

  it('refuses to read a return larger than asked, and leaves it there', async () => {
    await put('PES_Retour_big.xml', randomBytes(10_001), 1);
    await expect(drop.readReturn('PES_Retour_big.xml', 10_000)).rejects.toMatchObject({ code: CHANNEL_ERRORS.SFTP_RETURN_TOO_LARGE });
    expect((await drop.readReturn('PES_Retour_big.xml', 10_001)).length).toBe(10_001);
  });

  it('says a return changed while it was read (still being written), and reads it whole once it is done', async () => {
    const path = join(server.returnsDir, 'PES_Retour_growing.xml');
    const start = randomBytes(30 * 1024 * 1024);
    await writeFile(path, start);
    const reading = drop.readReturn('PES_Retour_growing.xml');
    await sleep(30);
    await appendFile(path, '<more/>');
    await expect(reading).rejects.toMatchObject({ code: CHANNEL_ERRORS.SFTP_RETURN_CHANGED });
    expect((await drop.readReturn('PES_Retour_growing.xml')).equals(Buffer.concat([start, Buffer.from('<more/>')]))).toBe(true);
  });

  it('says a return is not there', async () => {
    await expect(drop.readReturn('PES_Acquit_absent.xml')).rejects.toMatchObject({ code: CHANNEL_ERRORS.SFTP_REMOTE_REFUSED });
  });

  it('refuses names that would leave the returns directory', async () => {
    await expect(drop.readReturn('../depot/x')).rejects.toMatchObject({ code: CHANNEL_ERRORS.SFTP_NAME_INVALID });
    await expect(drop.removeReturn('/etc/passwd')).rejects.toMatchObject({ code: CHANNEL_ERRORS.SFTP_NAME_INVALID });
  });
});
