import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { FILE_CHECK_ERRORS, FILE_CODES, FileCheckError } from '../file-checks.errors.js';
import { EICAR_SIGNATURE_NAME, eicarTestFile, findClamd, startClamd, type TestClamd } from '../testing/index.js';
import { ClamdScanner } from './clamd.scanner.js';

const clamd = findClamd();
if ('missing' in clamd) console.warn(`clamd.scanner.int.spec skipped: ${clamd.missing}`);
const describeWithClamd = 'missing' in clamd ? describe.skip : describe;

/** A minimal one-page PDF, as a collectivité's acte would be. */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

/** `total` random bytes in pieces of `piece` bytes, made as they are read. */
function randomStream(total: number, piece: number): AsyncIterable<Uint8Array> {
  function* pieces(): Generator<Buffer> {
    for (let sent = 0; sent < total; sent += piece) yield randomBytes(Math.min(piece, total - sent));
  }
  return Readable.from(pieces());
}

describeWithClamd('ClamdScanner against a real clamd', () => {
  let dir: string;
  let daemon: TestClamd;
  let tcp: ClamdScanner;
  let unix: ClamdScanner;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'relais-clamd-'));
    daemon = await startClamd({ dir });
    tcp = new ClamdScanner({ address: { host: daemon.host, port: daemon.port } });
    unix = new ClamdScanner({ address: { socketPath: daemon.socketPath } });
  });
  afterAll(async () => {
    await daemon.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers PING over TCP and over the unix socket', async () => {
    await expect(tcp.ping()).resolves.toBeUndefined();
    await expect(unix.ping()).resolves.toBeUndefined();
  });

  it('finds the EICAR test file, under the test database’s signature name', async () => {
    await expect(tcp.scan(eicarTestFile())).resolves.toEqual({ verdict: 'infected', signature: `${EICAR_SIGNATURE_NAME}.UNOFFICIAL`, code: FILE_CODES.VIRUS_FOUND });
  });

  it('finds it too when it arrives as a stream of 5-byte pieces over the unix socket', async () => {
    const eicar = eicarTestFile();
    const pieces = Array.from({ length: Math.ceil(eicar.byteLength / 5) }, (_, index) => eicar.subarray(index * 5, index * 5 + 5));
    await expect(unix.scan(Readable.from(pieces))).resolves.toMatchObject({ verdict: 'infected', code: FILE_CODES.VIRUS_FOUND });
  });

  it('says a PDF is clean', async () => {
    await expect(tcp.scan(PDF)).resolves.toEqual({ verdict: 'clean' });
  });

  it('streams 10 MB of random bytes in 1 MiB pieces, 64 KiB chunks on the wire, and says clean', async () => {
    await expect(unix.scan(randomStream(10_000_000, 1024 * 1024))).resolves.toEqual({ verdict: 'clean' });
  });

  it('lets the error of a failing input through, not as an antivirus failure', async () => {
    function* failing(): Generator<Buffer> {
      yield PDF;
      throw new Error('blob store read failed');
    }
    await expect(tcp.scan(Readable.from(failing()))).rejects.toThrow('blob store read failed');
  });

  describe('with a StreamMaxLength of 1M', () => {
    let smallDir: string;
    let small: TestClamd;
    beforeAll(async () => {
      smallDir = await mkdtemp(join(tmpdir(), 'relais-clamd-small-'));
      small = await startClamd({ dir: smallDir, streamMaxLength: '1M' });
    });
    afterAll(async () => {
      await small.stop();
      await rm(smallDir, { recursive: true, force: true });
    });

    it('refuses a file over the configured streamMaxLength before clamd sees it, as bytes or as a stream', async () => {
      const scanner = new ClamdScanner({ address: { host: small.host, port: small.port }, streamMaxLength: 1024 * 1024 });
      await expect(scanner.scan(randomBytes(3 * 1024 * 1024))).rejects.toMatchObject({ code: FILE_CHECK_ERRORS.ANTIVIRUS_SIZE_LIMIT });
      await expect(scanner.scan(randomStream(3 * 1024 * 1024, 256 * 1024))).rejects.toMatchObject({
        code: FILE_CHECK_ERRORS.ANTIVIRUS_SIZE_LIMIT,
        message: expect.stringContaining('StreamMaxLength'),
      });
      await expect(scanner.scan(randomBytes(1024 * 1024))).resolves.toEqual({ verdict: 'clean' });
    });

    it('without streamMaxLength, reports clamd’s refusal, or its hang-up mid-file when the refusal was lost', async () => {
      const scanner = new ClamdScanner({ address: { host: small.host, port: small.port } });
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const error: unknown = await scanner.scan(randomBytes(3 * 1024 * 1024)).catch((thrown: unknown) => thrown);
        expect(error).toBeInstanceOf(FileCheckError);
        expect((error as FileCheckError).message).toMatch(
          /^FILE_CHECK\.ANTIVIRUS_SIZE_LIMIT: .*StreamMaxLength is lower|^FILE_CHECK\.ANTIVIRUS_UNAVAILABLE: .*closed the connection after \d+ bytes of the file, before its end/,
        );
      }
      await expect(scanner.scan(PDF)).resolves.toEqual({ verdict: 'clean' });
    });

    it('is unavailable once the daemon is stopped, by TCP and by unix socket', async () => {
      await small.stop();
      const byTcp = new ClamdScanner({ address: { host: small.host, port: small.port } });
      const byUnix = new ClamdScanner({ address: { socketPath: small.socketPath } });
      await expect(byTcp.scan(PDF)).rejects.toMatchObject({ name: 'FileCheckError', code: FILE_CHECK_ERRORS.ANTIVIRUS_UNAVAILABLE });
      await expect(byTcp.ping()).rejects.toMatchObject({ code: FILE_CHECK_ERRORS.ANTIVIRUS_UNAVAILABLE });
      await expect(byUnix.scan(eicarTestFile())).rejects.toMatchObject({ code: FILE_CHECK_ERRORS.ANTIVIRUS_UNAVAILABLE });
    });
  });
});

/** A fake clamd on loopback that reads what it is sent and answers as `answer` decides. */
async function fakeClamd(answer: (socket: Socket) => void): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    answer(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : 0,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    },
  };
}

describe('ClamdScanner against fake daemons', () => {
  it('reads a size-limit refusal sent in the middle of the file, and stops sending', async () => {
    let received = 0;
    const daemon = await fakeClamd((socket) => {
      socket.on('data', (chunk: Buffer) => {
        received += chunk.byteLength;
        // Like clamd past its StreamMaxLength, but reading on: no reset, the refusal always arrives.
        if (received > 100_000 && received - chunk.byteLength <= 100_000) socket.end('INSTREAM size limit exceeded. ERROR\0');
      });
    });
    try {
      const scanner = new ClamdScanner({ address: { host: '127.0.0.1', port: daemon.port } });
      await expect(scanner.scan(randomStream(50_000_000, 1024 * 1024))).rejects.toMatchObject({ code: FILE_CHECK_ERRORS.ANTIVIRUS_SIZE_LIMIT });
      expect(received).toBeLessThan(50_000_000);
    } finally {
      await daemon.close();
    }
  });

  it('says a daemon that answers PING with something else is unavailable, and an unknown answer to a scan is a failure', async () => {
    const daemon = await fakeClamd((socket) => {
      socket.once('data', () => socket.end('UNKNOWN COMMAND\0'));
    });
    try {
      const scanner = new ClamdScanner({ address: { host: '127.0.0.1', port: daemon.port } });
      await expect(scanner.ping()).rejects.toMatchObject({ code: FILE_CHECK_ERRORS.ANTIVIRUS_UNAVAILABLE, message: expect.stringContaining('UNKNOWN COMMAND') });
      await expect(scanner.scan(PDF)).rejects.toMatchObject({ code: FILE_CHECK_ERRORS.ANTIVIRUS_FAILED });
    } finally {
      await daemon.close();
    }
  });

  it('gives up on a daemon that never answers after the timeout, as unavailable', async () => {
    const daemon = await fakeClamd((socket) => {
      socket.resume();
    });
    try {
      const scanner = new ClamdScanner({ address: { host: '127.0.0.1', port: daemon.port }, timeoutMs: 300 });
      await expect(scanner.scan(PDF)).rejects.toMatchObject({ code: FILE_CHECK_ERRORS.ANTIVIRUS_UNAVAILABLE, message: expect.stringContaining('300 ms') });
      await expect(scanner.ping()).rejects.toMatchObject({ code: FILE_CHECK_ERRORS.ANTIVIRUS_UNAVAILABLE });
    } finally {
      await daemon.close();
    }
  });

  it('is unavailable when the unix socket does not exist', async () => {
    const scanner = new ClamdScanner({ address: { socketPath: join(tmpdir(), 'no-such-clamd.sock') } });
    await expect(scanner.scan(PDF)).rejects.toMatchObject({ code: FILE_CHECK_ERRORS.ANTIVIRUS_UNAVAILABLE, message: expect.stringContaining('ENOENT') });
  });
});
