import { describe, expect, it } from '@jest/globals';
import { PES_SIGNATURE_CODES } from '../file-checks.errors.js';
import { testPesAller } from '../testing/pes-signing.js';
import { verifyPesSignatures } from './pes-signatures.verify.js';

const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');
const DSIG = 'http://www.w3.org/2000/09/xmldsig#';

/** A bordereau signature in the Hélios shape whose SignedInfo is built by `signedInfo`; never cryptographically valid. */
function withSignature(signedInfo: string, keyInfo = '<ds:KeyInfo><ds:X509Data><ds:X509Certificate>MIIB</ds:X509Certificate></ds:X509Data></ds:KeyInfo>'): Buffer {
  const signature = `<ds:Signature Id="BORD1_SIG_1">${signedInfo}<ds:SignatureValue>AAAA</ds:SignatureValue>${keyInfo}</ds:Signature>`;
  return latin1(testPesAller([{ id: 'BORD1' }]).replace('  </Bordereau>', `${signature}</Bordereau>`));
}

const reference = (uri: string, transform = 'http://www.w3.org/2001/10/xml-exc-c14n#', digest = 'http://www.w3.org/2000/09/xmldsig#sha1'): string =>
  `<ds:Reference URI="${uri}"><ds:Transforms><ds:Transform Algorithm="${DSIG}enveloped-signature"/><ds:Transform Algorithm="${transform}"/></ds:Transforms>` +
  `<ds:DigestMethod Algorithm="${digest}"/><ds:DigestValue>AAAA</ds:DigestValue></ds:Reference>`;

const signedInfo = (references: string, canonicalization = 'http://www.w3.org/2001/10/xml-exc-c14n#', method = `${DSIG}rsa-sha1`): string =>
  `<ds:SignedInfo><ds:CanonicalizationMethod Algorithm="${canonicalization}"/><ds:SignatureMethod Algorithm="${method}"/>${references}</ds:SignedInfo>`;

describe('verifyPesSignatures, without cryptography', () => {
  it('says a PES without signatures is not signed, which is fine', () => {
    expect(verifyPesSignatures(latin1(testPesAller()))).toEqual({ signed: false, valid: true, signatures: [] });
  });

  it('says a PES that declares the XMLDSig namespace but has no signature is not signed', () => {
    expect(verifyPesSignatures(latin1(testPesAller().replace('<Enveloppe>', `<Enveloppe xmlns:dsig="${DSIG}">`)))).toEqual({
      signed: false,
      valid: true,
      signatures: [],
    });
  });

  it('does not read a file above maxDomBytes, and says so', () => {
    expect(verifyPesSignatures(withSignature(signedInfo(reference('#BORD1'))), { maxDomBytes: 1000 })).toEqual({
      signed: 'unknown',
      code: PES_SIGNATURE_CODES.NOT_CHECKED,
      reason: expect.stringContaining('above the 1000 bytes'),
    });
  });

  it('does not read a file that is not well-formed, has a DOCTYPE, or cannot be decoded', () => {
    const broken = withSignature(signedInfo(reference('#BORD1'))).toString('latin1').replace('</n:PES_Aller>', '');
    expect(verifyPesSignatures(latin1(broken))).toMatchObject({ signed: 'unknown', code: PES_SIGNATURE_CODES.NOT_CHECKED, reason: expect.stringContaining('well-formed') });
    const doctype = withSignature(signedInfo(reference('#BORD1'))).toString('latin1').replace('?>', '?><!DOCTYPE n:PES_Aller [<!ENTITY a "b">]>');
    expect(verifyPesSignatures(latin1(doctype))).toMatchObject({ signed: 'unknown', code: PES_SIGNATURE_CODES.NOT_CHECKED, reason: expect.stringContaining('DOCTYPE') });
    const windows = withSignature(signedInfo(reference('#BORD1'))).toString('latin1').replace('ISO-8859-1', 'windows-1252');
    expect(verifyPesSignatures(latin1(windows))).toMatchObject({ signed: 'unknown', code: PES_SIGNATURE_CODES.NOT_CHECKED });
  });

  it('says a signature without SignedInfo, with an unknown algorithm or transform, or with an external reference is malformed', () => {
    const cases: [Buffer, string][] = [
      [withSignature(''), 'SignedInfo'],
      [withSignature(signedInfo(reference('#BORD1'), 'urn:unknown:c14n')), 'canonicalization'],
      [withSignature(signedInfo(reference('#BORD1'), undefined, `${DSIG}dsa-sha1`)), 'signature method'],
      [withSignature(signedInfo(reference('#BORD1', 'http://www.w3.org/TR/1999/REC-xpath-19991116'))), 'transform'],
      [withSignature(signedInfo(reference('#BORD1', undefined, 'urn:md5'))), 'digest method'],
      [withSignature(signedInfo(reference('http://example.org/bordereau.xml'))), 'same-document'],
      [withSignature(signedInfo('')), 'no Reference'],
    ];
    for (const [file, reason] of cases) {
      expect(verifyPesSignatures(file)).toEqual({
        signed: true,
        valid: false,
        signatures: [
          expect.objectContaining({ id: 'BORD1_SIG_1', parent: { element: 'Bordereau', id: 'BORD1' }, verdict: 'invalid', code: PES_SIGNATURE_CODES.MALFORMED, reason: expect.stringContaining(reason) }),
        ],
      });
    }
  });

  it('says a signature without a certificate in KeyInfo, or with one that does not parse, is malformed', () => {
    expect(verifyPesSignatures(withSignature(signedInfo(reference('#BORD1')), ''))).toMatchObject({
      signatures: [{ verdict: 'invalid', code: PES_SIGNATURE_CODES.MALFORMED, reason: expect.stringContaining('KeyInfo holds no X509Certificate'), referenceUris: ['#BORD1'] }],
    });
    expect(verifyPesSignatures(withSignature(signedInfo(reference('#BORD1'))))).toMatchObject({
      signatures: [{ verdict: 'invalid', code: PES_SIGNATURE_CODES.MALFORMED, reason: expect.stringContaining('does not parse') }],
    });
  });
});
