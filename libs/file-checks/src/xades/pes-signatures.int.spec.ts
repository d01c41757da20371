import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DOMParser } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { PES_SIGNATURE_CODES } from '../file-checks.errors.js';
import { findOpenssl, makeTestSigners, signPesXades, testPesAller, type TestSigners, type XadesSignOptions } from '../testing/index.js';
import { verifyPesSignatures } from './pes-signatures.verify.js';

// The real sample lives beside the repository, never inside it: <repo>/../shared/data/pes.
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const samplePath = resolve(repoRoot, '../shared/data/pes/PESALR2_signed_with_pj.xml');
const sampleMissing = existsSync(samplePath) ? undefined : `the real PES sample is not at ${samplePath} (the shared folder next to the repository)`;
if (sampleMissing !== undefined) console.warn(`pes-signatures.int.spec: the sample tests are skipped: ${sampleMissing}`);
const describeWithSample = sampleMissing === undefined ? describe : describe.skip;

const openssl = findOpenssl();
if ('missing' in openssl) console.warn(`pes-signatures.int.spec: the tests of our own signed PES are skipped: ${openssl.missing}`);
const describeWithOpenssl = 'missing' in openssl ? describe.skip : describe;

const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');

describeWithSample('verifyPesSignatures on the real signed PES (Pastell fixture, rsa-sha1, exc-c14n, XAdES 1.1.1)', () => {
  const sample = (): string => readFileSync(samplePath).toString('latin1');

  it('says its bordereau signature is valid, SignedProperties and SigningCertificate included', () => {
    expect(verifyPesSignatures(readFileSync(samplePath))).toEqual({
      signed: true,
      valid: true,
      signatures: [
        {
          id: 'BORD514432_SIG_1',
          referenceUris: ['#BORD514432', '#BORD514432_SIG_1_SP'],
          parent: { element: 'Bordereau', id: 'BORD514432' },
          verdict: 'valid',
          signer: {
            subject: expect.stringContaining('CN=LOPES_Celine'),
            issuer: expect.stringContaining('CN=AC_ADULLACT_Utilisateurs_G3'),
            serialNumber: '4AD6FFF932A22148F64C3660ABEB951AD51B34C2',
            notBefore: new Date('2015-06-19T07:00:00Z'),
            notAfter: new Date('2020-06-17T07:00:00Z'),
            signingTime: '2017-12-27T14:21:55Z',
          },
        },
      ],
    });
  });

  it('says it is invalid once an amount of the signed bordereau is changed', () => {
    const altered = sample().replace('<MtBordHT V="75724.75"/>', '<MtBordHT V="75724.76"/>');
    expect(altered).not.toBe(sample());
    expect(verifyPesSignatures(latin1(altered))).toMatchObject({
      signed: true,
      valid: false,
      signatures: [{ verdict: 'invalid', code: PES_SIGNATURE_CODES.INVALID, reason: expect.stringContaining('#BORD514432') }],
    });
  });

  it('says it is invalid once the signed properties are changed (the signing time)', () => {
    const altered = sample().replace('2017-12-27T14:21:55Z', '2017-12-28T14:21:55Z');
    expect(verifyPesSignatures(latin1(altered))).toMatchObject({
      signatures: [{ verdict: 'invalid', code: PES_SIGNATURE_CODES.INVALID, reason: expect.stringContaining('#BORD514432_SIG_1_SP') }],
    });
  });

  it('says it is invalid once its SignatureValue is corrupted', () => {
    const altered = sample().replace('<ds:SignatureValue Id="BORD514432_SIG_1_SV">VML7', '<ds:SignatureValue Id="BORD514432_SIG_1_SV">VML8');
    expect(altered).not.toBe(sample());
    expect(verifyPesSignatures(latin1(altered))).toMatchObject({
      signatures: [{ verdict: 'invalid', code: PES_SIGNATURE_CODES.INVALID, reason: expect.stringContaining('SignatureValue') }],
    });
  });

  it('says it is malformed without its KeyInfo certificate', () => {
    const altered = sample().replace(/<ds:KeyInfo>[\s\S]*?<\/ds:KeyInfo>/, '');
    expect(verifyPesSignatures(latin1(altered))).toMatchObject({
      signed: true,
      valid: false,
      signatures: [{ id: 'BORD514432_SIG_1', verdict: 'invalid', code: PES_SIGNATURE_CODES.MALFORMED }],
    });
  });

  it('says a change outside the signed bordereau (a PJ) leaves the signature valid', () => {
    const altered = sample().replace('Ceci est un test', 'Ceci est un TEST');
    expect(verifyPesSignatures(latin1(altered))).toMatchObject({ valid: true });
  });

  it('says the same file in CRLF line ends is still valid (an XML parser sees LF)', () => {
    expect(verifyPesSignatures(latin1(sample().replace(/\n/g, '\r\n')))).toMatchObject({ valid: true });
  });

  it('does not read it with a DOM limit below its 2 MB', () => {
    expect(verifyPesSignatures(readFileSync(samplePath), { maxDomBytes: 1024 * 1024 })).toMatchObject({ signed: 'unknown', code: PES_SIGNATURE_CODES.NOT_CHECKED });
  });
});

describeWithOpenssl('verifyPesSignatures on a PES signed here with a test key', () => {
  let pki: TestSigners;
  let sign: (xml: string, options: Partial<XadesSignOptions> & Pick<XadesSignOptions, 'targetId'>) => string;
  beforeAll(async () => {
    pki = await makeTestSigners(await mkdtemp(join(tmpdir(), 'relais-xades-')));
    sign = (xml, options) => signPesXades(xml, { keyPem: pki.signer.keyPem, certPem: pki.signer.certPem, ...options });
  });
  afterAll(async () => {
    await rm(pki.dir, { recursive: true, force: true });
  });

  /** Both bordereaux signed (rsa-sha256, exc-c14n, XAdES), then the whole file. */
  const signedThrice = (): string => sign(sign(sign(testPesAller(), { targetId: 'BORD1' }), { targetId: 'BORD2' }), { targetId: 'PES1' });

  it('says each bordereau’s signature and the whole file’s are valid, the file being ISO-8859-1 with accents', () => {
    const signed = signedThrice();
    expect(signed).toContain('Société Générale');
    const bytes = latin1(signed);
    expect(bytes.includes(Buffer.from([0xe9]))).toBe(true);
    expect(verifyPesSignatures(bytes)).toEqual({
      signed: true,
      valid: true,
      signatures: [
        expect.objectContaining({ id: 'BORD1_SIG_1', referenceUris: ['#BORD1', '#BORD1_SIG_1_SP'], parent: { element: 'Bordereau', id: 'BORD1' }, verdict: 'valid' }),
        expect.objectContaining({ id: 'BORD2_SIG_1', referenceUris: ['#BORD2', '#BORD2_SIG_1_SP'], parent: { element: 'Bordereau', id: 'BORD2' }, verdict: 'valid' }),
        expect.objectContaining({
          id: 'PES1_SIG_1',
          parent: { element: 'PES_Aller', id: 'PES1' },
          verdict: 'valid',
          signer: expect.objectContaining({ subject: 'CN=Marie Dupont, O=Commune de Test, C=FR', signingTime: '2026-01-15T10:00:00Z' }),
        }),
      ],
    });
  });

  it('says only the altered bordereau’s signature (and the whole file’s) are invalid', () => {
    const altered = signedThrice().replace('<MtBordHT V="99.90"/>', '<MtBordHT V="999.90"/>');
    expect(verifyPesSignatures(latin1(altered))).toMatchObject({
      signed: true,
      valid: false,
      signatures: [
        { id: 'BORD1_SIG_1', verdict: 'valid' },
        { id: 'BORD2_SIG_1', verdict: 'invalid', code: PES_SIGNATURE_CODES.INVALID, reason: expect.stringContaining('#BORD2') },
        { id: 'PES1_SIG_1', verdict: 'invalid', code: PES_SIGNATURE_CODES.INVALID },
      ],
    });
  });

  it('says an altered accented character invalidates the signature, and the same text in UTF-8 is still valid', () => {
    const signed = sign(testPesAller([{ id: 'BORD1' }]), { targetId: 'BORD1' });
    expect(verifyPesSignatures(latin1(signed.replace('Réfection', 'Refection')))).toMatchObject({ valid: false });
    const utf8 = Buffer.from(signed.replace('encoding="ISO-8859-1"', 'encoding="UTF-8"'), 'utf8');
    expect(verifyPesSignatures(utf8)).toMatchObject({ signed: true, valid: true });
  });

  it('verifies rsa-sha1, inclusive C14N and plain XMLDSig without XAdES', () => {
    const pes = testPesAller([{ id: 'BORD1' }]);
    expect(verifyPesSignatures(latin1(sign(pes, { targetId: 'BORD1', algorithm: 'rsa-sha1' })))).toMatchObject({ valid: true });
    expect(verifyPesSignatures(latin1(sign(pes, { targetId: 'BORD1', c14n: 'inclusive' })))).toMatchObject({ valid: true });
    expect(verifyPesSignatures(latin1(sign(pes, { targetId: 'BORD1', xades: false })))).toMatchObject({
      valid: true,
      signatures: [{ referenceUris: ['#BORD1'], signer: expect.not.objectContaining({ signingTime: expect.anything() }) }],
    });
  });

  it('verifies an exclusive C14N with an InclusiveNamespaces PrefixList, and leaves the file’s DOM as it was', () => {
    const signed = latin1(sign(testPesAller([{ id: 'BORD1' }]), { targetId: 'BORD1', inclusiveNamespaces: ['n', 'xad'] }));
    expect(signed.toString('latin1')).toContain('PrefixList="n xad"');
    expect(verifyPesSignatures(signed)).toMatchObject({ valid: true });
    expect(verifyPesSignatures(latin1(signed.toString('latin1').replace('<MtBordHT V="1234.56"/>', '<MtBordHT V="1234.57"/>')))).toMatchObject({ valid: false });
  });

  it('verifies a whole-file signature whose Reference is URI=""', () => {
    const signed = sign(sign(testPesAller(), { targetId: 'BORD1' }), { targetId: 'PES1', wholeDocument: true });
    expect(verifyPesSignatures(latin1(signed))).toMatchObject({
      valid: true,
      signatures: [{ id: 'BORD1_SIG_1' }, { id: 'PES1_SIG_1', referenceUris: ['', '#PES1_SIG_1_SP'], parent: { element: 'PES_Aller', id: 'PES1' } }],
    });
    expect(verifyPesSignatures(latin1(signed.replace('<CodCol V="123"/>', '<CodCol V="124"/>')))).toMatchObject({
      signatures: [{ verdict: 'valid' }, { verdict: 'invalid', code: PES_SIGNATURE_CODES.INVALID, reason: expect.stringContaining('the document') }],
    });
  });

  it('says a transform chain other than enveloped-signature then one canonicalization is malformed', () => {
    const signed = sign(testPesAller([{ id: 'BORD1' }]), { targetId: 'BORD1' });
    const enveloped = '<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>';
    const exclusive = '<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>';
    const swapped = signed.replace(`${enveloped}${exclusive}`, `${exclusive}${enveloped}`);
    expect(swapped).not.toBe(signed);
    expect(verifyPesSignatures(latin1(swapped))).toMatchObject({
      signatures: [{ verdict: 'invalid', code: PES_SIGNATURE_CODES.MALFORMED, reason: expect.stringContaining('transforms') }],
    });
  });

  it('says a SigningCertificate that names another certificate than KeyInfo’s is invalid', () => {
    const lying = sign(testPesAller([{ id: 'BORD1' }]), { targetId: 'BORD1', signingCertificatePem: pki.selfSigned.certPem });
    expect(verifyPesSignatures(latin1(lying))).toMatchObject({
      signatures: [{ verdict: 'invalid', code: PES_SIGNATURE_CODES.INVALID, reason: expect.stringContaining('SigningCertificate') }],
    });
  });

  it('says SignedProperties that no reference covers are malformed', () => {
    const signed = sign(testPesAller([{ id: 'BORD1' }]), { targetId: 'BORD1' });
    const uncovered = signed.replace(/<ds:Reference URI="#BORD1_SIG_1_SP"[\s\S]*?<\/ds:Reference>/, '');
    expect(uncovered).not.toBe(signed);
    expect(verifyPesSignatures(latin1(uncovered))).toMatchObject({
      signatures: [{ verdict: 'invalid', code: PES_SIGNATURE_CODES.MALFORMED, reason: expect.stringContaining('SignedProperties') }],
    });
  });

  it('says a signature moved onto another bordereau with the same content is invalid (its reference no longer resolves)', () => {
    const signed = sign(testPesAller([{ id: 'BORD1' }]), { targetId: 'BORD1' });
    expect(verifyPesSignatures(latin1(signed.replace('<Bordereau Id="BORD1">', '<Bordereau Id="BORD9">')))).toMatchObject({
      signatures: [{ parent: { element: 'Bordereau', id: 'BORD9' }, verdict: 'invalid', code: PES_SIGNATURE_CODES.INVALID, reason: expect.stringContaining('not in the file') }],
    });
  });

  it('refuses a file where the signed Id appears twice (signature wrapping)', () => {
    const signed = sign(testPesAller([{ id: 'BORD1' }]), { targetId: 'BORD1' });
    const wrapped = signed.replace('<EnTetePES>', '<EnTetePES Id="BORD1">');
    expect(verifyPesSignatures(latin1(wrapped))).toMatchObject({ signatures: [{ verdict: 'invalid', code: PES_SIGNATURE_CODES.INVALID }] });
  });
});

/** What xml-crypto's own `checkSignature`, on the whole text, says of each signature of a file (a reference for ours). */
function xmlCryptoVerdicts(text: string): boolean[] {
  const document = new DOMParser().parseFromString(text, 'text/xml');
  return [...document.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Signature')].map((signature) => {
    const verifier = new SignedXml({ getCertFromKeyInfo: (keyInfo) => SignedXml.getCertFromKeyInfo(keyInfo) });
    try {
      verifier.loadSignature(signature);
      return verifier.checkSignature(text);
    } catch {
      return false;
    }
  });
}

describeWithOpenssl('verifyPesSignatures agrees with xml-crypto’s own checkSignature', () => {
  let pki: TestSigners;
  beforeAll(async () => {
    pki = await makeTestSigners(await mkdtemp(join(tmpdir(), 'relais-xades-oracle-')));
  });
  afterAll(async () => {
    await rm(pki.dir, { recursive: true, force: true });
  });

  it('on the real sample and our own files, intact or altered', () => {
    const sign = (xml: string, options: Partial<XadesSignOptions> & Pick<XadesSignOptions, 'targetId'>): string =>
      signPesXades(xml, { keyPem: pki.signer.keyPem, certPem: pki.signer.certPem, ...options });
    const ours = sign(sign(sign(testPesAller(), { targetId: 'BORD1' }), { targetId: 'BORD2', algorithm: 'rsa-sha1', c14n: 'inclusive' }), { targetId: 'PES1' });
    const files = [
      ours,
      ours.replace('<MtBordHT V="99.90"/>', '<MtBordHT V="99.91"/>'),
      ours.replace('<MtBordHT V="1234.56"/>', '<MtBordHT V="1234.50"/>'),
      ours.replace(/(<ds:SignatureValue>)(.)/, (_, tag: string, first: string) => `${tag}${first === 'A' ? 'B' : 'A'}`),
      sign(testPesAller([{ id: 'BORD1' }]), { targetId: 'BORD1', xades: false, inclusiveNamespaces: ['n'] }),
    ];
    if (sampleMissing === undefined) {
      const sample = readFileSync(samplePath).toString('latin1');
      files.push(sample, sample.replace('<MtBordHT V="75724.75"/>', '<MtBordHT V="75724.76"/>'), sample.replace('2017-12-27T14:21:55Z', '2017-12-28T14:21:55Z'));
    }
    const verdicts = files.map((file) => {
      const result = verifyPesSignatures(latin1(file));
      return { ours: result.signed === true ? result.signatures.map((signature) => signature.verdict === 'valid') : [], xmlCrypto: xmlCryptoVerdicts(file) };
    });
    for (const { ours: mine, xmlCrypto } of verdicts) expect(mine).toEqual(xmlCrypto);
    // Both valid and invalid signatures were compared.
    expect(verdicts.flatMap(({ xmlCrypto }) => xmlCrypto)).toEqual(expect.arrayContaining([true, false]));
  });
});
