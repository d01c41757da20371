import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIGNATURE_CODES } from '../file-checks.errors.js';
import { findOpenssl, makeTestSigners, signWithOpenssl, type TestSigners } from '../testing/index.js';
import { verifyDetachedSignature } from './detached-signature.verify.js';

const openssl = findOpenssl();
if ('missing' in openssl) console.warn(`detached-signature.int.spec skipped: ${openssl.missing}`);
const describeWithOpenssl = 'missing' in openssl ? describe.skip : describe;

describeWithOpenssl('verifyDetachedSignature, on signatures made by openssl cms', () => {
  let pki: TestSigners;
  /** An acte: a PDF-looking file of 200 kB. */
  const acte = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(200_000), Buffer.from('\n%%EOF\n')]);
  let signature: Buffer;
  beforeAll(async () => {
    pki = await makeTestSigners(await mkdtemp(join(tmpdir(), 'relais-cms-')));
    signature = await signWithOpenssl(acte, { dir: pki.dir, signer: pki.signer, certFile: pki.ca.certFile });
  });
  afterAll(async () => {
    await rm(pki.dir, { recursive: true, force: true });
  });

  it('says a detached DER signature of the file is valid, with the signer and the signing time', async () => {
    const before = new Date(Date.now() - 60_000);
    const result = await verifyDetachedSignature(acte, signature, { trustedCertificates: [pki.ca.certPem] });
    expect(result).toMatchObject({ verdict: 'valid', signers: [{ subject: 'CN=Marie Dupont, O=Commune de Test, C=FR', issuer: 'CN=Relais Test Signing CA' }] });
    const [signer] = result.signers ?? [];
    expect(signer?.signingTime?.getTime()).toBeGreaterThan(before.getTime());
    expect(signer?.serialNumber).toMatch(/^[0-9A-F]+$/);
  });

  it("verifies a small file held in Node's shared Buffer pool (its bytes, not the pool's)", async () => {
    const small = Buffer.from('délibération courte', 'latin1');
    expect(small.buffer.byteLength).toBeGreaterThan(small.length); // a view into the pool
    const smallSignature = await signWithOpenssl(small, { dir: pki.dir, signer: pki.signer });
    expect((await verifyDetachedSignature(small, smallSignature)).verdict).toBe('valid');
  });

  it('takes PEM and bare base64 as well as DER', async () => {
    const pem = await signWithOpenssl(acte, { dir: pki.dir, signer: pki.signer, format: 'PEM' });
    expect(pem.toString('latin1')).toContain('-----BEGIN CMS-----');
    await expect(verifyDetachedSignature(acte, pem)).resolves.toMatchObject({ verdict: 'valid' });
    await expect(verifyDetachedSignature(acte, Buffer.from(signature.toString('base64').replace(/(.{76})/g, '$1\n')))).resolves.toMatchObject({ verdict: 'valid' });
  });

  it('says the file was changed when one byte of it differs', async () => {
    const changed = Buffer.from(acte);
    changed[1000] = (changed[1000] ?? 0) ^ 0x01;
    await expect(verifyDetachedSignature(changed, signature)).resolves.toMatchObject({ verdict: 'invalid', code: SIGNATURE_CODES.CONTENT_MISMATCH });
  });

  it('says the signature is invalid when its signature value is corrupted', async () => {
    const corrupted = Buffer.from(signature);
    // The signature value is the last field of the last SignerInfo, at the very end of the DER.
    corrupted[corrupted.byteLength - 10] = (corrupted[corrupted.byteLength - 10] ?? 0) ^ 0xff;
    await expect(verifyDetachedSignature(acte, corrupted)).resolves.toMatchObject({ verdict: 'invalid', code: SIGNATURE_CODES.INVALID });
  });

  it('verifies a signature without signed attributes, over the content itself', async () => {
    const bare = await signWithOpenssl(acte, { dir: pki.dir, signer: pki.signer, noAttributes: true });
    const result = await verifyDetachedSignature(acte, bare);
    expect(result).toMatchObject({ verdict: 'valid', signers: [{ subject: 'CN=Marie Dupont, O=Commune de Test, C=FR' }] });
    expect(result.signers?.[0]?.signingTime).toBeUndefined();
    // Without a signed digest to compare, a changed file shows as a signature that does not verify.
    await expect(verifyDetachedSignature(Buffer.concat([acte, Buffer.from(' ')]), bare)).resolves.toMatchObject({ verdict: 'invalid', code: SIGNATURE_CODES.INVALID });
  });

  it('says garbage, a truncated signature and a certificate are malformed', async () => {
    await expect(verifyDetachedSignature(acte, Buffer.from('this is not a signature at all'))).resolves.toMatchObject({ verdict: 'invalid', code: SIGNATURE_CODES.MALFORMED });
    await expect(verifyDetachedSignature(acte, randomBytes(512))).resolves.toMatchObject({ verdict: 'invalid', code: SIGNATURE_CODES.MALFORMED });
    await expect(verifyDetachedSignature(acte, signature.subarray(0, 300))).resolves.toMatchObject({ verdict: 'invalid', code: SIGNATURE_CODES.MALFORMED });
    await expect(verifyDetachedSignature(acte, Buffer.from(pki.signer.certPem))).resolves.toMatchObject({ verdict: 'invalid', code: SIGNATURE_CODES.MALFORMED });
    await expect(verifyDetachedSignature(acte, new Uint8Array(0))).resolves.toMatchObject({ verdict: 'invalid', code: SIGNATURE_CODES.MALFORMED });
  });

  it('says a signature carrying the content is not detached', async () => {
    const attached = await signWithOpenssl(acte, { dir: pki.dir, signer: pki.signer, attached: true });
    await expect(verifyDetachedSignature(acte, attached)).resolves.toMatchObject({ verdict: 'invalid', code: SIGNATURE_CODES.NOT_DETACHED });
  });

  it('judges trust only when trusted certificates are given', async () => {
    const selfSigned = await signWithOpenssl(acte, { dir: pki.dir, signer: pki.selfSigned });
    await expect(verifyDetachedSignature(acte, selfSigned)).resolves.toMatchObject({ verdict: 'valid', signers: [{ subject: 'CN=Self Signed Mayor' }] });
    await expect(verifyDetachedSignature(acte, selfSigned, { trustedCertificates: [pki.ca.certPem] })).resolves.toMatchObject({
      verdict: 'invalid',
      code: SIGNATURE_CODES.SIGNER_UNTRUSTED,
      signers: [{ subject: 'CN=Self Signed Mayor' }],
    });
  });

  it('says a signer from another CA is untrusted, even when the signature carries that CA', async () => {
    await expect(verifyDetachedSignature(acte, signature, { trustedCertificates: [pki.otherCa.certPem] })).resolves.toMatchObject({
      verdict: 'invalid',
      code: SIGNATURE_CODES.SIGNER_UNTRUSTED,
    });
    await expect(verifyDetachedSignature(acte, signature, { trustedCertificates: [`${pki.otherCa.certPem}${pki.ca.certPem}`] })).resolves.toMatchObject({
      verdict: 'valid',
    });
  });

  it('finds the chain with the trusted CA even when the signature carries only the signer', async () => {
    const bare = await signWithOpenssl(acte, { dir: pki.dir, signer: pki.signer });
    await expect(verifyDetachedSignature(acte, bare, { trustedCertificates: [pki.ca.certPem] })).resolves.toMatchObject({ verdict: 'valid' });
  });

  it('says an expired signer is expired, trusted or not, and whatever `now` says when the signing time is outside its validity', async () => {
    const byExpired = await signWithOpenssl(acte, { dir: pki.dir, signer: pki.expired, certFile: pki.ca.certFile });
    await expect(verifyDetachedSignature(acte, byExpired)).resolves.toMatchObject({ verdict: 'invalid', code: SIGNATURE_CODES.SIGNER_EXPIRED });
    await expect(verifyDetachedSignature(acte, byExpired, { trustedCertificates: [pki.ca.certPem] })).resolves.toMatchObject({
      verdict: 'invalid',
      code: SIGNATURE_CODES.SIGNER_EXPIRED,
      signers: [{ subject: 'CN=Jean Expire, O=Commune de Test, C=FR' }],
    });
    // Inside the certificate's validity, but the signature states it was made today.
    await expect(verifyDetachedSignature(acte, byExpired, { now: new Date('2020-01-15T00:00:00Z') })).resolves.toMatchObject({
      verdict: 'invalid',
      code: SIGNATURE_CODES.SIGNER_EXPIRED,
      reason: expect.stringContaining('signing time'),
    });
  });

  it('checks validity at the `now` given', async () => {
    await expect(verifyDetachedSignature(acte, signature, { now: new Date(Date.now() + 2 * 365 * 24 * 3600 * 1000) })).resolves.toMatchObject({
      verdict: 'invalid',
      code: SIGNATURE_CODES.SIGNER_EXPIRED,
    });
  });

  it('refuses a trust list without any certificate as a configuration mistake', async () => {
    await expect(verifyDetachedSignature(acte, signature, { trustedCertificates: ['not a PEM'] })).rejects.toThrow(RangeError);
  });
});
