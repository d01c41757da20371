import type { Element } from '@xmldom/xmldom';
import { createHash, X509Certificate } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import { messageOf, PES_SIGNATURE_CODES } from '../file-checks.errors.js';
import type { PesSignatureCheck, PesSigner } from './pes-signatures.types.js';

/** The XMLDSig namespace. */
export const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
/** Every XAdES version's namespace starts so (v1.1.1, v1.2.2, v1.3.2, v1.4.1). */
const XADES_NS_PREFIX = 'http://uri.etsi.org/01903/';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

/** What xml-crypto 6 knows; anything else makes a signature malformed for us rather than a crash in it. */
const known = new SignedXml();
const TRANSFORMS = new Set(Object.keys(known.CanonicalizationAlgorithms));
const CANONICALIZATIONS = new Set([...TRANSFORMS].filter((algorithm) => algorithm !== ENVELOPED));
const DIGESTS = new Set(Object.keys(known.HashAlgorithms));
const SIGNATURE_METHODS = new Set(Object.keys(known.SignatureAlgorithms));

/** XMLDSig digest URIs (of `CertDigest`) as `node:crypto` names them. */
const CERT_DIGESTS: Readonly<Record<string, string>> = {
  'http://www.w3.org/2000/09/xmldsig#sha1': 'sha1',
  'http://www.w3.org/2001/04/xmldsig-more#sha224': 'sha224',
  'http://www.w3.org/2001/04/xmlenc#sha256': 'sha256',
  'http://www.w3.org/2001/04/xmldsig-more#sha384': 'sha384',
  'http://www.w3.org/2001/04/xmlenc#sha512': 'sha512',
};

/** A signature whose structure holds, left to the core validation for the digests and the signature value. */
export interface SignatureToVerify {
  readonly check: Omit<PesSignatureCheck, 'verdict' | 'code' | 'reason'>;
  /** The certificate whose key verifies the SignatureValue (PEM). */
  readonly certificatePem: string;
}

/**
 * Reads one `ds:Signature` element: its references, its certificate (`KeyInfo/X509Data`), and its
 * XAdES `SignedProperties` when present, which must be covered by a reference and whose
 * `SigningCertificate` digest must be the KeyInfo certificate's. Returns the finished check when the
 * structure already decides (malformed, or a signing certificate that is not the KeyInfo one),
 * otherwise what the core validation needs.
 */
export function readSignature(signature: Element): { readonly settled: PesSignatureCheck } | { readonly verify: SignatureToVerify } {
  const id = signature.getAttribute('Id');
  const parent = signature.parentNode as Element | null;
  const parentId = parent?.getAttribute('Id');
  const base = {
    ...(id ? { id } : {}),
    parent: { element: parent?.localName ?? '', ...(parentId ? { id: parentId } : {}) },
  };
  const signedInfos = children(signature, DSIG_NS, 'SignedInfo');
  const signedInfo = signedInfos.length === 1 ? signedInfos[0] : undefined;
  const referenceUris = signedInfo === undefined ? [] : children(signedInfo, DSIG_NS, 'Reference').map((reference) => reference.getAttribute('URI') ?? '');
  const malformed = (reason: string): { settled: PesSignatureCheck } => ({
    settled: { ...base, referenceUris, verdict: 'invalid', code: PES_SIGNATURE_CODES.MALFORMED, reason },
  });

  if (signedInfo === undefined) return malformed(`the signature has ${signedInfos.length} SignedInfo elements instead of one`);
  const canonicalization = algorithmOf(signedInfo, 'CanonicalizationMethod');
  if (canonicalization === undefined || !CANONICALIZATIONS.has(canonicalization)) return malformed(`SignedInfo canonicalization "${canonicalization ?? ''}" is not supported`);
  const signatureMethod = algorithmOf(signedInfo, 'SignatureMethod');
  if (signatureMethod === undefined || !SIGNATURE_METHODS.has(signatureMethod)) return malformed(`signature method "${signatureMethod ?? ''}" is not supported`);

  const references = children(signedInfo, DSIG_NS, 'Reference');
  if (references.length === 0) return malformed('SignedInfo has no Reference');
  for (const reference of references) {
    const uri = reference.getAttribute('URI');
    if (uri === null || (uri !== '' && !/^#[^'()]+$/.test(uri))) return malformed(`reference URI "${uri ?? '(none)'}" is not a same-document reference (#id or "")`);
    const transforms = children(reference, DSIG_NS, 'Transforms').flatMap((list) => children(list, DSIG_NS, 'Transform'));
    const unknownTransform = transforms.map((transform) => transform.getAttribute('Algorithm') ?? '').find((algorithm) => !TRANSFORMS.has(algorithm));
    if (unknownTransform !== undefined) return malformed(`transform "${unknownTransform}" of reference ${uri} is not supported`);
    const digest = algorithmOf(reference, 'DigestMethod');
    if (digest === undefined || !DIGESTS.has(digest)) return malformed(`digest method "${digest ?? ''}" of reference ${uri} is not supported`);
    if (!children(reference, DSIG_NS, 'DigestValue')[0]?.textContent?.trim()) return malformed(`reference ${uri} has no DigestValue`);
  }
  const signatureValues = children(signature, DSIG_NS, 'SignatureValue');
  if (signatureValues.length !== 1 || !signatureValues[0]?.textContent?.trim()) return malformed('the signature has no SignatureValue');

  const certificates = children(signature, DSIG_NS, 'KeyInfo')
    .flatMap((keyInfo) => children(keyInfo, DSIG_NS, 'X509Data'))
    .flatMap((data) => children(data, DSIG_NS, 'X509Certificate'))
    .map((element) => (element.textContent ?? '').replace(/\s+/g, ''))
    .filter((base64) => base64 !== '');
  const parsed: { der: Buffer; x509: X509Certificate }[] = [];
  for (const base64 of certificates) {
    const der = Buffer.from(base64, 'base64');
    try {
      parsed.push({ der, x509: new X509Certificate(der) });
    } catch (error) {
      return malformed(`an X509Certificate of KeyInfo does not parse: ${messageOf(error)}`);
    }
  }

  const [first] = parsed;
  if (first === undefined) return malformed('KeyInfo holds no X509Certificate: there is no key to verify the signature with');

  const xades = readXades(signature, referenceUris);
  if ('malformed' in xades) return malformed(xades.malformed);
  // With a chain in KeyInfo, the signing certificate is the one SigningCertificate names; else the first.
  const signing = parsed.find(({ der }) => xades.certDigests.some((digest) => digestMatches(digest, der))) ?? first;
  const signer = signerOf(signing.x509, xades.signingTime);
  if (xades.certDigests.length > 0) {
    const unknownDigest = xades.certDigests.find((digest) => CERT_DIGESTS[digest.algorithm] === undefined);
    if (unknownDigest !== undefined) return malformed(`CertDigest algorithm "${unknownDigest.algorithm}" is not supported`);
    if (!xades.certDigests.some((digest) => digestMatches(digest, signing.der))) {
      return {
        settled: {
          ...base,
          referenceUris,
          verdict: 'invalid',
          code: PES_SIGNATURE_CODES.INVALID,
          reason: 'the XAdES SigningCertificate digest is not the digest of the KeyInfo certificate',
          signer,
        },
      };
    }
  }

  return {
    verify: {
      check: { ...base, referenceUris, signer },
      certificatePem: `-----BEGIN CERTIFICATE-----\n${signing.der.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`,
    },
  };
}

interface CertDigest {
  readonly algorithm: string;
  readonly value: string;
}

/** The XAdES properties a verification needs: the SigningCertificate digests and the SigningTime. */
function readXades(signature: Element, referenceUris: readonly string[]): { certDigests: CertDigest[]; signingTime?: string } | { malformed: string } {
  const signedProperties = children(signature, DSIG_NS, 'Object')
    .flatMap((object) => xadesChildren(object, 'QualifyingProperties'))
    .flatMap((qualifying) => xadesChildren(qualifying, 'SignedProperties'));
  const properties = signedProperties[0];
  if (properties === undefined) return { certDigests: [] };
  if (signedProperties.length > 1) return { malformed: 'the signature has more than one XAdES SignedProperties' };
  const id = properties.getAttribute('Id');
  if (!id || !referenceUris.includes(`#${id}`)) return { malformed: 'the XAdES SignedProperties are not covered by a Reference of SignedInfo' };
  const signatureProperties = xadesChildren(properties, 'SignedSignatureProperties');
  const signingTime = signatureProperties.flatMap((element) => xadesChildren(element, 'SigningTime'))[0]?.textContent?.trim();
  const certDigests = signatureProperties
    .flatMap((element) => [...xadesChildren(element, 'SigningCertificate'), ...xadesChildren(element, 'SigningCertificateV2')])
    .flatMap((element) => xadesChildren(element, 'Cert'))
    .flatMap((cert) => xadesChildren(cert, 'CertDigest'))
    .map((digest) => ({
      algorithm: children(digest, undefined, 'DigestMethod')[0]?.getAttribute('Algorithm') ?? '',
      value: (children(digest, undefined, 'DigestValue')[0]?.textContent ?? '').replace(/\s+/g, ''),
    }));
  return { certDigests, ...(signingTime ? { signingTime } : {}) };
}

function digestMatches(digest: CertDigest, der: Buffer): boolean {
  const algorithm = CERT_DIGESTS[digest.algorithm];
  return algorithm !== undefined && createHash(algorithm).update(der).digest('base64') === digest.value;
}

function signerOf(x509: X509Certificate, signingTime: string | undefined): PesSigner {
  return {
    subject: x509.subject.split('\n').join(', '),
    issuer: x509.issuer.split('\n').join(', '),
    serialNumber: x509.serialNumber,
    notBefore: new Date(x509.validFrom),
    notAfter: new Date(x509.validTo),
    ...(signingTime === undefined ? {} : { signingTime }),
  };
}

function algorithmOf(parent: Element, localName: string): string | undefined {
  return children(parent, DSIG_NS, localName)[0]?.getAttribute('Algorithm') ?? undefined;
}

/** Child elements by namespace (any when undefined) and local name. */
export function children(parent: Element, namespace: string | undefined, localName: string): Element[] {
  const found: Element[] = [];
  for (const node of parent.childNodes) {
    const element = node as Element;
    if (node.nodeType === node.ELEMENT_NODE && element.localName === localName && (namespace === undefined || element.namespaceURI === namespace)) found.push(element);
  }
  return found;
}

function xadesChildren(parent: Element, localName: string): Element[] {
  return children(parent, undefined, localName).filter((element) => element.namespaceURI?.startsWith(XADES_NS_PREFIX) === true);
}
