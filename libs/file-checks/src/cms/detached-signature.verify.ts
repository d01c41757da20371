import * as asn1js from 'asn1js';
import { createHash, webcrypto, X509Certificate } from 'node:crypto';
import {
  Certificate,
  CertificateChainValidationEngine,
  ContentInfo,
  CryptoEngine,
  SignedData,
  SignedDataVerifyError,
  type SignerInfo,
} from 'pkijs';
import { messageOf, SIGNATURE_CODES, type SignatureCode } from '../file-checks.errors.js';
import { cmsDer, pemCertificates } from './cms-input.decode.js';

/** What the signature is checked against. */
export interface DetachedSignatureOptions {
  /**
   * Trust anchors (PEM, one or several certificates per string). When given, each signer's chain
   * must lead to one of them; when absent, who signed is reported but not judged.
   */
  readonly trustedCertificates?: readonly string[];
  /** The moment the signer's certificate must be valid at (default: now). */
  readonly now?: Date;
}

/** Who signed, as the certificate in the signature says. */
export interface CmsSigner {
  /** The certificate’s subject on one line, most specific RDN first (`CN=Marie Dupont, O=Commune de Test, C=FR`). */
  readonly subject: string;
  readonly issuer: string;
  /** Hexadecimal, as OpenSSL prints it. */
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The signing-time signed attribute, when the signer put one: stated by the signer, not proven. */
  readonly signingTime?: Date;
}

/** The outcome of {@link verifyDetachedSignature}: never thrown, always returned. */
export type DetachedSignatureResult =
  | { readonly verdict: 'valid'; readonly signers: readonly CmsSigner[] }
  | { readonly verdict: 'invalid'; readonly code: SignatureCode; readonly reason: string; readonly signers?: readonly CmsSigner[] };

const OID = {
  signedData: '1.2.840.113549.1.7.2',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
} as const;

/** Digest algorithms by OID, as `node:crypto` names them. */
const DIGESTS: Readonly<Record<string, string>> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/** pkijs on Node's WebCrypto, passed explicitly to every call rather than set as pkijs's global engine. */
const engine = new CryptoEngine({ name: 'node-webcrypto', crypto: webcrypto });

/** pkijs's code for an algorithm it does not know (SignedData.verify). */
const PKIJS_UNSUPPORTED_ALGORITHM = 7;
/** pkijs's codes for a signature without the signer's certificate. */
const PKIJS_NO_SIGNER_CERTIFICATE = new Set([2, 3]);
/** pkijs's chain-validation code for a certificate out of its validity period. */
const PKIJS_CHAIN_OUT_OF_VALIDITY = 8;

/**
 * Verifies a detached CMS (PKCS#7) SignedData over `content`, as the @ctes `Signature` elements of
 * an acte carry them (DOMAIN.md §1.8). For each signer: the signed message digest must be the
 * content's (`SIGNATURE.CONTENT_MISMATCH` otherwise), the signature value must verify with the
 * certificate found in the SignedData (`SIGNATURE.INVALID`), that certificate must be valid at
 * `now` and at the signing time it states (`SIGNATURE.SIGNER_EXPIRED`), and when trusted
 * certificates are given its chain must lead to one of them (`SIGNATURE.SIGNER_UNTRUSTED`).
 * Revocation (CRL, OCSP) is not checked.
 *
 * @param signature DER, PEM or base64 of a ContentInfo holding a SignedData
 * @throws RangeError when a trusted certificate does not parse (a configuration mistake, not a verdict)
 */
export async function verifyDetachedSignature(content: Uint8Array, signature: Uint8Array, options: DetachedSignatureOptions = {}): Promise<DetachedSignatureResult> {
  const now = options.now ?? new Date();
  const trusted = options.trustedCertificates === undefined ? undefined : parseTrusted(options.trustedCertificates);

  const parsed = parseSignedData(signature);
  if ('invalid' in parsed) return parsed.invalid;
  const signedData = parsed.signedData;
  if (signedData.encapContentInfo.eContent !== undefined) {
    return invalid(SIGNATURE_CODES.NOT_DETACHED, 'the SignedData carries the signed content itself: a detached signature is expected');
  }
  const certificates = (signedData.certificates ?? []).filter((certificate) => certificate instanceof Certificate);

  const signers: CmsSigner[] = [];
  const signerCertificates: Certificate[] = [];
  for (const [index, signerInfo] of signedData.signerInfos.entries()) {
    const digestProblem = checkMessageDigest(signerInfo, content);
    if (digestProblem !== undefined) return digestProblem;
    const checked = await checkSignatureValue(signedData, index, content);
    if ('invalid' in checked) return checked.invalid;
    signerCertificates.push(checked.certificate);
    signers.push(signerOf(checked.certificate, signingTimeOf(signerInfo)));
  }

  for (const signer of signers) {
    const expired = outOfValidity(signer, now);
    if (expired !== undefined) return { ...invalid(SIGNATURE_CODES.SIGNER_EXPIRED, expired), signers };
  }
  if (trusted !== undefined) {
    for (const [index, certificate] of signerCertificates.entries()) {
      const problem = await checkChain(certificate, certificates, trusted, now);
      if (problem !== undefined) return { ...problem, signers: signers.slice(index, index + 1) };
    }
  }
  return { verdict: 'valid', signers };
}

function invalid(code: SignatureCode, reason: string): Extract<DetachedSignatureResult, { verdict: 'invalid' }> {
  return { verdict: 'invalid', code, reason };
}

function parseSignedData(signature: Uint8Array): { signedData: SignedData } | { invalid: DetachedSignatureResult } {
  const malformed = (why: string): { invalid: DetachedSignatureResult } => ({ invalid: invalid(SIGNATURE_CODES.MALFORMED, why) });
  const der = cmsDer(signature);
  if (der === undefined) return malformed('the signature is neither DER, nor PEM, nor base64 of a CMS structure');
  const asn1 = asn1js.fromBER(der);
  if (asn1.offset === -1) return malformed(`the signature is not valid DER: ${asn1.result.error}`);
  try {
    const contentInfo = new ContentInfo({ schema: asn1.result });
    if (contentInfo.contentType !== OID.signedData) return malformed(`the CMS content type is ${contentInfo.contentType}, not SignedData (${OID.signedData})`);
    const signedData = new SignedData({ schema: contentInfo.content });
    if (signedData.signerInfos.length === 0) return malformed('the SignedData has no signer');
    return { signedData };
  } catch (error) {
    return malformed(`the signature is not a CMS SignedData: ${messageOf(error)}`);
  }
}

/** Compares the message-digest signed attribute with the content's own digest (no signed attributes: left to the signature value). */
function checkMessageDigest(signerInfo: SignerInfo, content: Uint8Array): DetachedSignatureResult | undefined {
  const algorithm = DIGESTS[signerInfo.digestAlgorithm.algorithmId];
  if (algorithm === undefined) return invalid(SIGNATURE_CODES.MALFORMED, `digest algorithm ${signerInfo.digestAlgorithm.algorithmId} is not supported`);
  if (signerInfo.signedAttrs === undefined) return undefined;
  const attribute = signerInfo.signedAttrs.attributes.find((candidate) => candidate.type === OID.messageDigest);
  const value: unknown = attribute?.values[0];
  if (!(value instanceof asn1js.OctetString)) return invalid(SIGNATURE_CODES.MALFORMED, 'the signed attributes have no message-digest');
  const expected = Buffer.from(value.valueBlock.valueHexView);
  const actual = createHash(algorithm).update(content).digest();
  if (!actual.equals(expected)) {
    return invalid(SIGNATURE_CODES.CONTENT_MISMATCH, `the ${algorithm} digest of the file is not the one signed: the file was changed after it was signed, or this signature is another file’s`);
  }
  return undefined;
}

async function checkSignatureValue(signedData: SignedData, signer: number, content: Uint8Array): Promise<{ certificate: Certificate } | { invalid: DetachedSignatureResult }> {
  // A copy into an ArrayBuffer of the content's exact length: a Buffer's `slice()` is a view, and a
  // small Buffer lives inside Node's shared pool, whose whole ArrayBuffer would be hashed otherwise.
  const data = Uint8Array.prototype.slice.call(content).buffer;
  try {
    const result = await signedData.verify({ signer, data, checkChain: false, extendedMode: true }, engine);
    const certificate = result.signerCertificate;
    if (certificate === null || certificate === undefined) return { invalid: invalid(SIGNATURE_CODES.MALFORMED, 'the signer’s certificate is not in the signature') };
    if (result.signatureVerified !== true) return { invalid: invalid(SIGNATURE_CODES.INVALID, 'the signature value does not verify with the signer’s public key') };
    return { certificate };
  } catch (error) {
    if (error instanceof SignedDataVerifyError && PKIJS_NO_SIGNER_CERTIFICATE.has(error.code)) {
      return { invalid: invalid(SIGNATURE_CODES.MALFORMED, `the signer’s certificate is not in the signature (${error.message})`) };
    }
    if (error instanceof SignedDataVerifyError && error.code === PKIJS_UNSUPPORTED_ALGORITHM) {
      return { invalid: invalid(SIGNATURE_CODES.MALFORMED, error.message) };
    }
    return { invalid: invalid(SIGNATURE_CODES.INVALID, `the signature value could not be verified: ${messageOf(error)}`) };
  }
}

function signingTimeOf(signerInfo: SignerInfo): Date | undefined {
  const attribute = signerInfo.signedAttrs?.attributes.find((candidate) => candidate.type === OID.signingTime);
  const value: unknown = attribute?.values[0];
  return value instanceof asn1js.UTCTime || value instanceof asn1js.GeneralizedTime ? value.toDate() : undefined;
}

function signerOf(certificate: Certificate, signingTime: Date | undefined): CmsSigner {
  const x509 = new X509Certificate(Buffer.from(certificate.toSchema().toBER()));
  return {
    subject: x509.subject.split('\n').join(', '),
    issuer: x509.issuer.split('\n').join(', '),
    serialNumber: x509.serialNumber,
    notBefore: certificate.notBefore.value,
    notAfter: certificate.notAfter.value,
    ...(signingTime === undefined ? {} : { signingTime }),
  };
}

function outOfValidity(signer: CmsSigner, now: Date): string | undefined {
  const moments: [string, Date][] = [['now', now]];
  if (signer.signingTime !== undefined) moments.push(['at the signing time it states', signer.signingTime]);
  for (const [label, at] of moments) {
    if (at < signer.notBefore || at > signer.notAfter) {
      return `the certificate of ${signer.subject} is valid from ${signer.notBefore.toISOString()} to ${signer.notAfter.toISOString()}, not ${label} (${at.toISOString()})`;
    }
  }
  return undefined;
}

function parseTrusted(pems: readonly string[]): Certificate[] {
  const ders = pems.flatMap((pem) => pemCertificates(pem));
  if (ders.length === 0) throw new RangeError('trustedCertificates holds no PEM certificate');
  return ders.map((der, index) => {
    try {
      return Certificate.fromBER(der);
    } catch (error) {
      throw new RangeError(`trusted certificate #${index + 1} does not parse: ${messageOf(error)}`, { cause: error });
    }
  });
}

/** The signer's chain, from the certificates the SignedData carries, to one of the trusted ones at `now`. */
async function checkChain(signer: Certificate, carried: readonly Certificate[], trusted: Certificate[], now: Date): Promise<DetachedSignatureResult | undefined> {
  const signerDer = Buffer.from(signer.toSchema().toBER());
  const intermediates = carried.filter((certificate) => !signerDer.equals(Buffer.from(certificate.toSchema().toBER())));
  // pkijs takes the last of `certs` as the end-entity certificate.
  const chain = new CertificateChainValidationEngine({ trustedCerts: trusted, certs: [...intermediates, signer], checkDate: now });
  const result = await chain.verify({}, engine);
  if (result.result) return undefined;
  if (result.resultCode === PKIJS_CHAIN_OUT_OF_VALIDITY) {
    return invalid(SIGNATURE_CODES.SIGNER_EXPIRED, `a certificate of the signer’s chain is not valid at ${now.toISOString()}: ${result.resultMessage}`);
  }
  return invalid(SIGNATURE_CODES.SIGNER_UNTRUSTED, `the signer’s certificate does not chain to a trusted certificate: ${result.resultMessage}`);
}
