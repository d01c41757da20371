import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pesAllerBuffer, pesAllerShapes, PES_SAMPLE } from '@relais/pes/testing';
import {
  findDovecot,
  findOpenssl,
  findSshd,
  makeSftpServerDir,
  makeTestPki,
  startDovecot,
  startSftpServer,
  type TestDovecot,
  type TestPki,
  type TestSftpServer,
} from '@relais/state-channels/testing';
import { eicarTestFile, findClamd, makeTestSigners, signPesXades, signWithOpenssl, startClamd, type TestSigners } from '@relais/file-checks/testing';
import { minimalPdf } from '@relais/testing';
import { acteMetadata, Client, type TransmissionBody } from './client.js';
import { eventually, freePort, sleep, startPlatform, type Platform } from './platform.js';

/*
 * Issue 6 over the real processes and real servers on loopback: actes POSTed to the ministry's HTTPS
 * face with a client certificate (PKCS#12), the préfecture's answers mailed into a dovecot mailbox and
 * read over IMAP; PES files deposited on an OpenSSH SFTP server and the DGFiP's acquittals collected
 * there. The simulator plays the State behind those servers.
 */
const missing = [findOpenssl(), findDovecot(), findSshd(), findClamd()].flatMap((found) => ('missing' in found ? [found.missing] : []));
if (missing.length > 0) console.warn(`state-channels.e2e skipped: ${missing.join('; ')}`);
const describeWithServers = missing.length > 0 ? describe.skip : describe;

const IMAP_USER = 'actes-relais';
const PES_SIREN = PES_SAMPLE.siret.slice(0, 9);
const FINAL = ['acknowledged', 'partially_accepted', 'nacked', 'rejected', 'failed', 'cancelled'];

let dir: string;
let pki: TestPki;
let dovecot: TestDovecot;
let sftp: TestSftpServer;
let sftpDir: string;
let platform: Platform;
let client: Client;
let signers: TestSigners;
/** What to stop and remove after the file, last started first. */
const cleanups: (() => Promise<unknown>)[] = [];

describeWithServers('the State over its real channels: @ctes over mutual TLS and IMAP, Hélios over SFTP', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'relais-e2e-channels-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    // Dovecot's login and mail processes run as nobody: they must get through to its folder.
    await chmod(dir, 0o711);
    pki = await makeTestPki(await mkdir(join(dir, 'pki'), { recursive: true }).then(() => join(dir, 'pki')));
    const passwordFile = join(dir, 'imap.pass');
    await writeFile(passwordFile, 'imap s3cret\n', { mode: 0o600 });
    await mkdir(join(dir, 'mail'));
    dovecot = await startDovecot({ dir: join(dir, 'mail'), certFile: pki.serverCert, keyFile: pki.serverKey, users: [{ username: IMAP_USER, password: 'imap s3cret' }] });
    cleanups.push(() => dovecot.stop());
    sftpDir = await makeSftpServerDir();
    cleanups.push(() => rm(sftpDir, { recursive: true, force: true }));
    sftp = await startSftpServer({ dir: sftpDir });
    cleanups.push(() => sftp.stop());
    await mkdir(join(dir, 'clamd'));
    const clamd = await startClamd({ dir: join(dir, 'clamd') });
    cleanups.push(() => clamd.stop());
    await mkdir(join(dir, 'signers'));
    signers = await makeTestSigners(join(dir, 'signers'));
    const tlsPort = await freePort();
    const imap = { host: dovecot.host, port: dovecot.port, username: IMAP_USER, passwordFile, caFile: pki.caCert, serverPin: dovecot.serverPin };
    const tls = { pfxFile: pki.clientPfx, passphraseFile: pki.clientPfxPassphraseFile, caFile: pki.caCert, serverPin: pki.serverPin, connectTimeoutMs: 3000, timeoutMs: 10_000 };
    const ministry = `https://127.0.0.1:${tlsPort.toString()}/sim/actes`;
    const routing = join(dir, 'routing.json');
    await writeFile(
      routing,
      JSON.stringify({
        endpoints: [
          { id: 'pref-021', channel: 'actes', url: ministry, transport: { kind: 'https-mtls', tls, imap } },
          {
            id: 'pref-025-wrong-pin',
            channel: 'actes',
            url: ministry,
            transport: { kind: 'https-mtls', tls: { ...tls, serverPin: new X509Certificate(readFileSync(pki.otherServerCert)).fingerprint256 }, imap },
          },
          {
            id: 'pref-039-expired',
            channel: 'actes',
            url: ministry,
            transport: { kind: 'https-mtls', tls: { certFile: pki.expiredClientCert, keyFile: pki.expiredClientKey, caFile: pki.caCert, serverPin: pki.serverPin }, imap },
          },
          {
            id: 'dgfip',
            channel: 'helios',
            url: `sftp://${sftp.username}@${sftp.host}:${sftp.port.toString()}`,
            transport: { kind: 'sftp', privateKeyFile: sftp.privateKeyFile, hostKeySha256: sftp.hostKeySha256, depositDir: sftp.remoteDepositDir, returnsDir: sftp.remoteReturnsDir },
          },
        ],
        rules: [
          { channel: 'actes', departement: '021', endpoint: 'pref-021' },
          { channel: 'actes', departement: '025', endpoint: 'pref-025-wrong-pin' },
          { channel: 'actes', departement: '039', endpoint: 'pref-039-expired' },
          { channel: 'helios', idPost: '*', endpoint: 'dgfip' },
        ],
      }),
    );
    platform = await startPlatform({
      env: {
        RELAIS_ROUTING_FILE: routing,
        STATE_SIM_ACK_DELAY_MS: '50',
        STATE_SIM_TLS_PORT: String(tlsPort),
        STATE_SIM_TLS_CERT: pki.serverCert,
        STATE_SIM_TLS_KEY: pki.serverKey,
        STATE_SIM_TLS_CLIENT_CA: pki.caCert,
        STATE_SIM_IMAP_HOST: dovecot.host,
        STATE_SIM_IMAP_PORT: String(dovecot.port),
        STATE_SIM_IMAP_USER: IMAP_USER,
        STATE_SIM_IMAP_PASSWORD_FILE: passwordFile,
        STATE_SIM_IMAP_CA_FILE: pki.caCert,
        STATE_SIM_SFTP_DEPOSIT_DIR: sftp.depositDir,
        STATE_SIM_SFTP_RETURNS_DIR: sftp.returnsDir,
        RELAIS_CLAMD: `${clamd.host}:${clamd.port.toString()}`,
        TRANSMITTER_RETRY_INITIAL_MS: '300',
        TRANSMITTER_RETRY_MAX_MS: '2000',
        TRANSMITTER_POLL_INTERVAL_MS: '200',
      },
    });
    cleanups.push(() => platform.stop());
    await platform.waitUntilReady(90_000);
    client = new Client(platform);
  }, 180_000);

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }, 60_000);

  const ends = async (token: string, id: string, timeoutMs = 60_000): Promise<TransmissionBody> => {
    try {
      return await eventually(`transmission ${id} to end`, async () => {
        const t = await client.transmission(token, id).catch(() => undefined);
        return t !== undefined && FINAL.includes(t.status) && t;
      }, timeoutMs);
    } catch (error) {
      const lines = platform.output().split('\n').filter((line) => /Imap|Reply|Sftp|PesReturn|mailbox|warn|error/i.test(line));
      throw new Error(`${String(error)}\n${lines.slice(-40).join('\n')}`);
    }
  };

  async function submitActes(token: string, prefix: string, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 1; i <= count; i += 1) {
      const response = await client.submitActe(token, acteMetadata(`${prefix}${i.toString()}`));
      expect(response.status).toBe(202);
      ids.push(((await response.json()) as { id: string }).id);
    }
    return ids;
  }

  const typesOf = async (token: string, id: string): Promise<string[]> => (await client.events(token, id)).items.map((event) => event.type);

  it('an acte goes to the ministry over mutual TLS and its AR comes back by IMAP: acknowledged', async () => {
    const { token } = await client.collectivite('212100011', '021');
    const [id] = await submitActes(token, 'MTLS', 1);
    const t = await ends(token, id!);
    expect(t.status).toBe('acknowledged');
    const types = await typesOf(token, id!);
    expect(types.filter((type) => type === 'TransmissionSent')).toHaveLength(1);
    expect(types.filter((type) => type === 'TransmissionAcknowledged')).toHaveLength(1);
  }, 90_000);

  it('a PES file is deposited over SFTP and its PES_Acquit collected there: acknowledged, the returns folder emptied', async () => {
    const admin = platform.adminToken;
    const budget = { idPost: PES_SAMPLE.idPost, codCol: PES_SAMPLE.codCol, codBud: PES_SAMPLE.codBud, siret: PES_SAMPLE.siret };
    await client.json('POST', '/api/v1/admin/collectivites', admin, { siren: PES_SIREN, nom: 'Commune PES', departement: '034', arrondissement: '1', nature: '31', helios: [budget] }, 201);
    const { token } = await client.json<{ token: string }>('POST', '/api/v1/admin/tokens', admin, { role: 'collectivite', siren: PES_SIREN }, 201);
    const id = await submitPes(token, 'PES_SFTP_0001.xml');
    const t = await ends(token, id);
    expect(t.status).toBe('acknowledged');
    const stats = (await client.simStats()) as unknown as { byKind: { pes: Record<string, number> } };
    expect(stats.byKind.pes).toMatchObject({ received: 1, duplicates: 0, conflicts: 0 });
    await eventually('the returns folder emptied', async () => (await readdir(sftp.returnsDir)).filter((name) => !name.startsWith('.')).length === 0, 10_000);
  }, 90_000);

  it('refuses a ministry whose certificate is not the pinned one, and a client certificate that has expired: failed with the code, nothing sent', async () => {
    const before = await client.simStats();
    const wrongPin = await client.collectivite('212500019', '025');
    const expired = await client.collectivite('213900017', '039');
    const [pinId] = await submitActes(wrongPin.token, 'PIN', 1);
    const [expiredId] = await submitActes(expired.token, 'EXP', 1);
    const pinned = await ends(wrongPin.token, pinId!);
    expect(pinned.status).toBe('failed');
    expect(JSON.stringify(pinned.errors)).toContain('CHANNEL.SERVER_PIN_MISMATCH');
    const old = await ends(expired.token, expiredId!);
    expect(old.status).toBe('failed');
    expect(JSON.stringify(old.errors)).toContain('CHANNEL.CLIENT_CERT_EXPIRED');
    expect((await client.simStats()).received).toBe(before.received);
    // The expired certificate is on /health, which stays 200: the other endpoints work.
    const health = await platform.health();
    expect(health.status).toBe(200);
    expect(JSON.stringify(health.body)).toContain('CHANNEL.CLIENT_CERT_EXPIRED');
  }, 90_000);

  it('the IMAP server restarted mid-flow: every AR arrives once, nothing lost, nothing duplicated', async () => {
    const { token } = await client.collectivite('212100029', '021');
    await dovecot.stop();
    const ids = await submitActes(token, 'IMAPDOWN', 4);
    // Sent over mutual TLS while the mailbox is away: the ARs wait at the préfecture.
    await eventually('the 4 actes sent', async () => {
      const sent = await Promise.all(ids.map(async (id) => (await typesOf(token, id)).includes('TransmissionSent')));
      return sent.every(Boolean);
    }, 60_000);
    await sleep(1000);
    await dovecot.restart();
    for (const id of ids) {
      expect((await ends(token, id)).status).toBe('acknowledged');
      expect((await typesOf(token, id)).filter((type) => type === 'TransmissionAcknowledged')).toHaveLength(1);
    }
    expect(await client.simStats()).toMatchObject({ duplicates: 0, conflicts: 0 });
  }, 120_000);

  it('the SFTP server restarted mid-flow: every file deposited once and acknowledged, nothing lost', async () => {
    const { token } = await client.json<{ token: string }>('POST', '/api/v1/admin/tokens', platform.adminToken, { role: 'collectivite', siren: PES_SIREN }, 201);
    await sftp.stop();
    const ids = [await submitPes(token, 'PES_SFTP_0002.xml'), await submitPes(token, 'PES_SFTP_0003.xml'), await submitPes(token, 'PES_SFTP_0004.xml')];
    await sleep(1500);
    await sftp.restart();
    for (const id of ids) expect((await ends(token, id)).status).toBe('acknowledged');
    const stats = (await client.simStats()) as unknown as { byKind: { pes: Record<string, number> } };
    expect(stats.byKind.pes).toMatchObject({ received: 4, duplicates: 0, conflicts: 0 });
  }, 120_000);

  it('refuses before sending the EICAR test file and a PES bordereau whose signature no longer holds; a signed acte and a soundly signed PES go through', async () => {
    const before = await client.simStats();
    const { token } = await client.collectivite('212100037', '021');
    const virus = await client.submitActe(token, acteMetadata('EICAR1'), { document: eicarTestFile() });
    expect(virus.status).toBe(202);
    const infected = await ends(token, ((await virus.json()) as { id: string }).id);
    expect(infected.status).toBe('rejected');
    expect(infected.errors).toEqual([expect.objectContaining({ code: 'FILE.VIRUS_FOUND', field: 'document' })]);

    // An acte with its detached signature (made by openssl, from a CA the platform is not told of: the
    // signature is checked for integrity and dates) goes through, the signature carried in the 1-1.
    const pdf = minimalPdf('Acte signé', 5_000);
    const form = new FormData();
    form.append('metadata', JSON.stringify(acteMetadata('SIGNE1')));
    form.append('document', new Blob([pdf], { type: 'application/pdf' }), 'acte.pdf');
    form.append('documentSignature', new Blob([await signWithOpenssl(pdf, { dir: signers.dir, signer: signers.signer })]), 'acte.pdf.p7s');
    const signedActe = await client.call('POST', '/api/v1/actes', token, form);
    expect(signedActe.status).toBe(202);
    expect((await ends(token, ((await signedActe.json()) as { id: string }).id)).status).toBe('acknowledged');

    const pesToken = (await client.json<{ token: string }>('POST', '/api/v1/admin/tokens', platform.adminToken, { role: 'collectivite', siren: PES_SIREN }, 201)).token;
    const sign = async (nomFic: string): Promise<string> => {
      const xml = (await pesAllerBuffer({ ...pesAllerShapes.mixed(), nomFic })).toString('latin1');
      return signPesXades(xml, { keyPem: signers.signer.keyPem, certPem: signers.signer.certPem, targetId: 'BORD101' });
    };
    const signedXml = await sign('PES_SIGNE_0001.xml');
    const sound = await submitBytes(pesToken, Buffer.from(signedXml, 'latin1'));
    expect((await ends(pesToken, sound)).status).toBe('acknowledged');
    const broken = (await sign('PES_SIGNE_0002.xml')).replace(/(<Bordereau Id="BORD101">[\s\S]*?<MtBordHT V=")([^"]*)"/, '$1$29"');
    const refused = await ends(pesToken, await submitBytes(pesToken, Buffer.from(broken, 'latin1')));
    expect(refused.status).toBe('rejected');
    expect(refused.errors).toEqual([expect.objectContaining({ code: 'PES.SIGNATURE_INVALID', field: 'Bordereau[@Id="BORD101"]/ds:Signature' })]);
    // Only the signed acte and the sound PES reached the State.
    const after = (await client.simStats()) as unknown as { received: number };
    expect(after.received).toBe(before.received + 2);
  }, 120_000);

  async function submitPes(token: string, nomFic: string): Promise<string> {
    return submitBytes(token, await pesAllerBuffer({ ...pesAllerShapes.mixed(), nomFic }));
  }

  async function submitBytes(token: string, bytes: Buffer): Promise<string> {
    const response = await fetch(`${platform.gatewayUrl}/api/v1/pes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' },
      body: bytes,
    });
    const text = await response.text();
    if (response.status !== 202) throw new Error(`POST /api/v1/pes answered ${response.status.toString()}: ${text}`);
    return (JSON.parse(text) as { id: string }).id;
  }
});
