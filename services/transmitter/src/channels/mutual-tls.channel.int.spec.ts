import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRoutingTable, type Endpoint } from '@relais/routing';
import { findOpenssl, makeTestPki, startMutualTlsServer, type MutualTlsServer, type TestPki } from '@relais/state-channels/testing';
import { readConfig } from '../config.js';
import { StateChannels } from './state-channels.js';

const openssl = findOpenssl();
if ('missing' in openssl) console.warn(`mutual-tls.channel.int.spec skipped: ${openssl.missing}`);
const describeWithOpenssl = 'missing' in openssl ? describe.skip : describe;

/* The transmitter's @ctes channel as the routing table sets it up, against a real TLS server requiring client certificates. */
describeWithOpenssl('the mutual-TLS channel of an endpoint', () => {
  let pki: TestPki;
  let server: MutualTlsServer;
  let channels: StateChannels;
  const archive = Buffer.from('the archive bytes');

  beforeAll(async () => {
    pki = await makeTestPki(await mkdtemp(join(tmpdir(), 'relais-mtls-channel-')));
    await writeFile(join(pki.dir, 'basic.pass'), 'basic s3cret\n', { mode: 0o600 });
    server = await startMutualTlsServer({ pki, requestCert: true, impostor: false, maxVersion: 'TLSv1.3', handler: () => ({ status: 200, body: '{"outcome":"accepted"}' }) });
    channels = new StateChannels(readConfig({}));
  });

  afterAll(async () => {
    await server.close();
    await channels.onApplicationShutdown();
    await rm(pki.dir, { recursive: true, force: true });
  });

  const endpoint = (tls: Record<string, unknown>): Endpoint => {
    const transport = { kind: 'https-mtls', tls: { caFile: pki.caCert, serverPin: pki.serverPin, ...tls }, imap: { host: '127.0.0.1', username: 'u', passwordFile: '/x' } };
    const table = parseRoutingTable({ endpoints: [{ id: 'pref', channel: 'actes', url: `${server.url}/depot`, transport }], rules: [] });
    return table.endpoints[0]!;
  };
  const send = (tls: Record<string, unknown>) =>
    channels.outbound(endpoint(tls)).send({ fileName: 'RLS-EACT--212100011--20261129-1.tar.gz', size: archive.length, contentType: 'application/gzip', open: () => Promise.resolve(archive) });

  it('POSTs the archive under its name with the PKCS#12 identity and the basic authentication, its password read from its file', async () => {
    const outcome = await send({ pfxFile: pki.clientPfx, passphraseFile: pki.clientPfxPassphraseFile, basicAuth: { username: 'tdt-relais', passwordFile: join(pki.dir, 'basic.pass') } });
    expect(outcome).toEqual({ kind: 'taken', answer: 'accepted' });
    const received = server.requests.at(-1)!;
    expect(received.path).toBe(`${new URL(server.url).pathname}/depot/RLS-EACT--212100011--20261129-1.tar.gz`);
    expect(received.clientCn).toBe('Relais test operator');
    expect(received.headers.authorization).toBe(`Basic ${Buffer.from('tdt-relais:basic s3cret').toString('base64')}`);
    expect(received.body.equals(archive)).toBe(true);
  });

  it('refuses with their codes, sending nothing: an expired certificate, a wrong pin, a certificate file that is not there', async () => {
    const before = server.requests.length;
    expect(await send({ certFile: pki.expiredClientCert, keyFile: pki.expiredClientKey })).toEqual({ kind: 'refused', reason: expect.stringContaining('CHANNEL.CLIENT_CERT_EXPIRED') });
    expect(await send({ certFile: pki.clientCert, keyFile: pki.clientKey, serverPin: 'AB'.repeat(32) })).toEqual({ kind: 'refused', reason: expect.stringContaining('CHANNEL.SERVER_PIN_MISMATCH') });
    expect(await send({ pfxFile: join(pki.dir, 'nowhere.p12') })).toEqual({ kind: 'refused', reason: expect.stringContaining('CHANNEL.CLIENT_CERT_UNREADABLE') });
    expect(server.requests.length).toBe(before);
  });

  it('reports each certificate for /health: the expired one as such, the valid one with its days left', async () => {
    const reports = await channels.certificates([endpoint({ pfxFile: pki.clientPfx, passphraseFile: pki.clientPfxPassphraseFile }), { ...endpoint({ certFile: pki.expiredClientCert, keyFile: pki.expiredClientKey }), id: 'old' }]);
    expect(reports).toEqual([
      expect.objectContaining({ endpointId: 'pref', status: 'valid', daysLeft: expect.any(Number) }),
      expect.objectContaining({ endpointId: 'old', status: 'expired', notAfter: '2020-02-01T00:00:00.000Z' }),
    ]);
  });
});
