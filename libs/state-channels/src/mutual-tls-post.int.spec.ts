import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { X509Certificate, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { loadClientIdentity, type ClientIdentity } from './client-identity.js';
import { CHANNEL_ERRORS } from './errors.js';
import { postOverMutualTls, type MutualTlsPost } from './mutual-tls-post.js';
import { findOpenssl, makeTestPki, startMutualTlsServer, type MutualTlsServer, type TestAnswer, type TestPki } from './testing/index.js';

const openssl = findOpenssl();
if ('missing' in openssl) console.warn(`mutual-tls-post.int.spec skipped: ${openssl.missing}`);
const describeWithOpenssl = 'missing' in openssl ? describe.skip : describe;

describeWithOpenssl('postOverMutualTls (real TLS on loopback)', () => {
  let pki: TestPki;
  let pem: ClientIdentity;
  let pkcs12: ClientIdentity;
  let server: MutualTlsServer | undefined;
  const archive = randomBytes(300_000);

  beforeAll(async () => {
    pki = await makeTestPki(await mkdtemp(join(tmpdir(), 'relais-pki-')));
    pem = await loadClientIdentity({ certFile: pki.clientCert, keyFile: pki.clientKey });
    pkcs12 = await loadClientIdentity({ pfxFile: pki.clientPfx, passphraseFile: pki.clientPfxPassphraseFile });
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  afterAll(async () => {
    await rm(pki.dir, { recursive: true, force: true });
  });

  const start = async (options: { impostor?: boolean; maxVersion?: 'TLSv1.2' | 'TLSv1.3'; answer?: TestAnswer } = {}): Promise<MutualTlsServer> => {
    const answer = options.answer ?? { status: 200, body: 'OK' };
    server = await startMutualTlsServer({ pki, requestCert: true, impostor: options.impostor ?? false, maxVersion: options.maxVersion ?? 'TLSv1.3', handler: () => answer });
    return server;
  };
  const post = (target: MutualTlsServer | string, overrides: Partial<MutualTlsPost> = {}): ReturnType<typeof postOverMutualTls> =>
    postOverMutualTls({
      url: typeof target === 'string' ? target : target.url,
      body: archive,
      headers: { 'content-type': 'application/gzip' },
      identity: pem,
      pinnedSha256: pki.serverPin,
      ca: readFileSync(pki.caCert),
      ...overrides,
    });

  it.each([['PEM', () => pem], ['PKCS#12', () => pkcs12]])('POSTs the archive intact with a %s identity', async (_label, identity) => {
    const target = await start();
    const outcome = await post(target, { identity: identity(), basicAuth: { username: 'tdt', password: 'pw' } });
    expect(outcome).toEqual({ kind: 'taken', status: 200, reason: 'HTTP 200: OK', body: 'OK' });
    expect(target.requests).toHaveLength(1);
    const [received] = target.requests;
    expect(received!.method).toBe('POST');
    expect(received!.path).toBe('/actes');
    expect(received!.clientCn).toBe('Relais test operator');
    expect(received!.headers['content-type']).toBe('application/gzip');
    expect(received!.headers.authorization).toBe(`Basic ${Buffer.from('tdt:pw').toString('base64')}`);
    expect(received!.body.equals(archive)).toBe(true);
  });

  it('streams a body given as chunks with its length, the bytes intact', async () => {
    const target = await start();
    const chunks: Buffer[] = [];
    for (let at = 0; at < archive.length; at += 64 * 1024) chunks.push(archive.subarray(at, at + 64 * 1024));
    const outcome = await post(target, { body: { stream: Readable.from(chunks), length: archive.length } });
    expect(outcome.kind).toBe('taken');
    expect(Buffer.compare(target.requests[0]!.body, archive)).toBe(0);
  });

  it('maps the answer: 4xx refused, 503 unavailable', async () => {
    let target = await start({ answer: { status: 422, body: 'archive non conforme' } });
    expect(await post(target)).toEqual({ kind: 'refused', status: 422, reason: 'HTTP 422: archive non conforme' });
    await target.close();
    target = await start({ answer: { status: 503 } });
    expect(await post(target)).toEqual({ kind: 'unavailable', status: 503, reason: 'HTTP 503' });
  });

  it('refuses a server whose certificate is not the pinned one, and sends it nothing', async () => {
    const impostor = await start({ impostor: true });
    const outcome = await post(impostor);
    expect(outcome).toMatchObject({ kind: 'refused', code: CHANNEL_ERRORS.SERVER_PIN_MISMATCH });
    expect(impostor.connections()).toBe(1);
    expect(impostor.requests).toHaveLength(0);
  });

  it('refuses a server whose chain does not verify, even with the right pin', async () => {
    const target = await start();
    const outcome = await post(target, { ca: new X509Certificate(readFileSync(pki.clientCert)).toString() });
    expect(outcome).toMatchObject({ kind: 'refused', code: CHANNEL_ERRORS.SERVER_CERT_UNTRUSTED });
    expect(target.requests).toHaveLength(0);
  });

  it('refuses an expired client certificate before connecting', async () => {
    const target = await start();
    const expired = await loadClientIdentity({ certFile: pki.expiredClientCert, keyFile: pki.expiredClientKey });
    const outcome = await post(target, { identity: expired });
    expect(outcome).toMatchObject({ kind: 'refused', code: CHANNEL_ERRORS.CLIENT_CERT_EXPIRED });
    expect(outcome.reason).toContain('2020-02-01');
    expect(target.connections()).toBe(0);
  });

  it.each([['TLSv1.2' as const], ['TLSv1.3' as const]])(
    'is not taken, and delivers no request, when a %s server rejects its client certificate',
    async (maxVersion) => {
      // A server that sends an alert gives `refused` CLIENT_CERT_REJECTED (see channel-outcome.unit.spec);
      // Node's server (like many) just drops the connection, which no client can tell from a reset:
      // `unavailable`, retried within the budget, while /health shows the certificate's state.
      const target = await start({ maxVersion });
      const stranger = await loadClientIdentity({ certFile: pki.strangerClientCert, keyFile: pki.strangerClientKey });
      const outcome = await post(target, { identity: stranger });
      expect([CHANNEL_ERRORS.CLIENT_CERT_REJECTED, CHANNEL_ERRORS.CONNECTION_FAILED]).toContain(outcome.kind === 'taken' ? 'taken' : outcome.code);
      expect(target.requests).toHaveLength(0);
    },
  );

  it('is unavailable when nothing listens', async () => {
    const target = await start();
    const url = target.url;
    await target.close();
    server = undefined;
    expect(await post(url)).toMatchObject({ kind: 'unavailable', code: CHANNEL_ERRORS.CONNECTION_FAILED });
  });

  it('is unavailable when the TLS handshake does not finish within the connect timeout', async () => {
    const silent = await silentTcpServer();
    try {
      const started = Date.now();
      const outcome = await post(silent.url, { connectTimeoutMs: 300 });
      expect(outcome).toMatchObject({ kind: 'unavailable', code: CHANNEL_ERRORS.CONNECT_TIMEOUT });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await silent.close();
    }
  });

  it('is unavailable when no answer comes within the total timeout', async () => {
    const target = await start({ answer: { status: 200, hang: true } });
    const outcome = await post(target, { totalTimeoutMs: 500 });
    expect(outcome).toMatchObject({ kind: 'unavailable', code: CHANNEL_ERRORS.TIMEOUT });
    expect(target.requests).toHaveLength(1);
  });
});

/** A TCP server that accepts connections and never speaks: the TLS handshake hangs. */
async function silentTcpServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets: Socket[] = [];
  const tcp: Server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  const { port } = tcp.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}/actes`,
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      tcp.close(() => {
        resolve();
      });
    }),
  };
}
