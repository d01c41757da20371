import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadClientIdentity } from './client-identity.js';
import { CHANNEL_ERRORS } from './errors.js';
import { findOpenssl, makeTestPki, type TestPki } from './testing/index.js';

const openssl = findOpenssl();
if ('missing' in openssl) console.warn(`client-identity.int.spec skipped: ${openssl.missing}`);
const describeWithOpenssl = 'missing' in openssl ? describe.skip : describe;

describeWithOpenssl('loadClientIdentity', () => {
  let pki: TestPki;
  beforeAll(async () => {
    pki = await makeTestPki(await mkdtemp(join(tmpdir(), 'relais-pki-')));
  });
  afterAll(async () => {
    await rm(pki.dir, { recursive: true, force: true });
  });

  it('loads a PEM pair and shows its leaf', async () => {
    const identity = await loadClientIdentity({ certFile: pki.clientCert, keyFile: pki.clientKey });
    expect(identity.credentials.kind).toBe('pem');
    expect(identity.certificate.subject).toBe('CN=Relais test operator');
  });

  it('loads a PKCS#12 bundle with its password from a secret file, newline trimmed', async () => {
    const identity = await loadClientIdentity({ pfxFile: pki.clientPfx, passphraseFile: pki.clientPfxPassphraseFile });
    expect(identity.credentials).toMatchObject({ kind: 'pkcs12', passphrase: 'pkcs12 s3cret' });
    expect(identity.certificate.subject).toBe('CN=Relais test operator');
  });

  it('says the password is wrong', async () => {
    const wrong = join(pki.dir, 'wrong.pass');
    await writeFile(wrong, 'nope\n');
    await expect(loadClientIdentity({ pfxFile: pki.clientPfx, passphraseFile: wrong })).rejects.toMatchObject({ code: CHANNEL_ERRORS.CLIENT_CERT_PASSPHRASE_WRONG });
  });

  it('says a file is missing or unreadable', async () => {
    await expect(loadClientIdentity({ certFile: join(pki.dir, 'absent.crt'), keyFile: pki.clientKey })).rejects.toMatchObject({ code: CHANNEL_ERRORS.CLIENT_CERT_UNREADABLE });
    await expect(loadClientIdentity({ certFile: pki.clientKey, keyFile: pki.clientKey })).rejects.toMatchObject({ code: CHANNEL_ERRORS.CLIENT_CERT_UNREADABLE });
  });

  it('says the key is not the certificate’s', async () => {
    await expect(loadClientIdentity({ certFile: pki.clientCert, keyFile: pki.expiredClientKey })).rejects.toMatchObject({ code: CHANNEL_ERRORS.CLIENT_CERT_KEY_MISMATCH });
  });

  it('wants exactly one kind of identity', async () => {
    await expect(loadClientIdentity({})).rejects.toMatchObject({ code: CHANNEL_ERRORS.CLIENT_CERT_CONFIG_INVALID });
    await expect(loadClientIdentity({ certFile: pki.clientCert, keyFile: pki.clientKey, pfxFile: pki.clientPfx })).rejects.toMatchObject({ code: CHANNEL_ERRORS.CLIENT_CERT_CONFIG_INVALID });
  });
});
