import type { Element, Node } from '@xmldom/xmldom';
import { timingSafeEqual } from 'node:crypto';
import { C14nCanonicalization, ExclusiveCanonicalization, findAncestorNs, SignedXml, type CanonicalizationOrTransformationAlgorithm } from 'xml-crypto';
import { messageOf } from '../file-checks.errors.js';
import { children, DSIG_NS } from './xmldsig.read.js';

const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

/**
 * The canonicalizations a same-document reference is digested with. Dereferencing `#id` or `""`
 * yields a node-set without comments (XMLDSig 4.4.3.3), so the `#WithComments` variants give the
 * same octets as the plain ones, which is what xml-crypto's `checkSignature` does too.
 */
const REFERENCE_CANONICALIZATIONS: Readonly<Record<string, () => CanonicalizationOrTransformationAlgorithm>> = {
  'http://www.w3.org/2001/10/xml-exc-c14n#': () => new ExclusiveCanonicalization(),
  'http://www.w3.org/2001/10/xml-exc-c14n#WithComments': () => new ExclusiveCanonicalization(),
  'http://www.w3.org/TR/2001/REC-xml-c14n-20010315': () => new C14nCanonicalization(),
  'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments': () => new C14nCanonicalization(),
};

/** The outcome of {@link verifyCore}. */
export type CoreValidation = { readonly valid: true } | { readonly valid: false; readonly malformed: boolean; readonly reason: string };

/**
 * XMLDSig core validation of `signature`, in place in its document, with xml-crypto's parts: its
 * reading of SignedInfo's references (transforms, the implicit final C14N, InclusiveNamespaces), its
 * canonicalizers, digests and signature algorithms, and its rule for the namespaces a subtree
 * inherits. Each Reference: the element `targetOf(uri)` gives, enveloped signature removed, is
 * canonicalized and its digest compared; then SignedInfo, canonicalized in its own context, must
 * verify against SignatureValue with the KeyInfo certificate.
 *
 * Why not `SignedXml.checkSignature`: it parses the document again and runs XPath queries over all
 * of it for every reference (about 2 s per MB of bordereau, and a second DOM); here the only DOM is
 * the caller's, and the signed subtree is canonicalized where it is, with no copy, the signature
 * being detached for the time of the enveloped-signature transform.
 *
 * @param targetOf the element a same-document URI names (`""` for the document element), already
 *   known to be the only one of the file with that Id; undefined when there is none
 */
export function verifyCore(signature: Element, targetOf: (uri: string) => Element | undefined, certificatePem: string): CoreValidation {
  const signed = new SignedXml();
  try {
    signed.loadSignature(signature);
  } catch (error) {
    return { valid: false, malformed: true, reason: `SignedInfo cannot be read: ${messageOf(error)}` };
  }
  const signedInfo = children(signature, DSIG_NS, 'SignedInfo')[0];
  const signatureValue = children(signature, DSIG_NS, 'SignatureValue')[0]?.textContent?.replace(/\s+/g, '') ?? '';
  const canonicalization = signed.canonicalizationAlgorithm;
  const signatureAlgorithm = signed.signatureAlgorithm === undefined ? undefined : signed.SignatureAlgorithms[signed.signatureAlgorithm];
  if (signedInfo === undefined || canonicalization === undefined || signatureAlgorithm === undefined) {
    return { valid: false, malformed: true, reason: 'SignedInfo, its canonicalization or its signature method is missing' };
  }

  for (const reference of signed.getReferences()) {
    const failure = checkReference(signature, reference, targetOf, signed);
    if (failure !== undefined) return { valid: false, ...failure };
  }

  const canonicalSignedInfo = signed.getCanonXml([canonicalization], signedInfo, { ancestorNamespaces: ancestorNamespaces(signedInfo) });
  let verified: boolean;
  try {
    verified = new signatureAlgorithm().verifySignature(canonicalSignedInfo, certificatePem, signatureValue);
  } catch (error) {
    return { valid: false, malformed: false, reason: `the SignatureValue cannot be verified with the KeyInfo certificate: ${messageOf(error)}` };
  }
  return verified ? { valid: true } : { valid: false, malformed: false, reason: 'the SignatureValue does not verify with the KeyInfo certificate over SignedInfo' };
}

type Reference = ReturnType<SignedXml['getReferences']>[number];

function checkReference(signature: Element, reference: Reference, targetOf: (uri: string) => Element | undefined, signed: SignedXml): { malformed: boolean; reason: string } | undefined {
  const uri = reference.uri;
  const target = targetOf(uri);
  if (target === undefined) return { malformed: false, reason: `the signed element ${uri} is not in the file` };
  const [first, second, ...rest] = reference.transforms;
  const enveloped = first === ENVELOPED;
  const canonicalizationName = enveloped ? second : first;
  const canonicalizer = canonicalizationName === undefined ? undefined : REFERENCE_CANONICALIZATIONS[canonicalizationName];
  if (canonicalizer === undefined || rest.length > 0 || (!enveloped && second !== undefined)) {
    return { malformed: true, reason: `the transforms of reference ${uri} (${reference.transforms.join(', ')}) are not an optional enveloped-signature followed by one canonicalization` };
  }
  const Hash = signed.HashAlgorithms[reference.digestAlgorithm];
  if (Hash === undefined) return { malformed: true, reason: `digest method "${reference.digestAlgorithm}" of reference ${uri} is not supported` };

  const options = {
    inclusiveNamespacesPrefixList: reference.inclusiveNamespacesPrefixList,
    ancestorNamespaces: ancestorNamespaces(target),
    defaultNsForPrefix: SignedXml.defaultNsForPrefix,
  };
  const restore = enveloped && isInside(signature, target) ? detach(signature) : undefined;
  let canonical: string;
  try {
    // Exclusive C14N declares the InclusiveNamespaces prefixes on the subtree's apex: on a copy then, never on the file's DOM.
    const subject = reference.inclusiveNamespacesPrefixList.length > 0 ? target.cloneNode(true) : target;
    canonical = String(canonicalizer().process(subject, options));
  } finally {
    restore?.();
  }
  const digest = new Hash().getHash(canonical);
  if (!sameBase64(digest, reference.digestValue)) {
    return { malformed: false, reason: `the digest of ${uri || 'the document'} is not the signed one: it was altered after it was signed` };
  }
  return undefined;
}

/**
 * The namespaces an element inherits, as xml-crypto hands them to its canonicalizers
 * (`findAncestorNs`, given the element itself and the XPath `.`, so that nothing is searched).
 */
function ancestorNamespaces(element: Element): ReturnType<typeof findAncestorNs> {
  return findAncestorNs(element, '.');
}

function isInside(node: Node, ancestor: Node): boolean {
  for (let current = node.parentNode; current !== null; current = current.parentNode) if (current === ancestor) return true;
  return false;
}

/** Takes `node` out of its parent and returns how to put it back where it was. */
function detach(node: Node): () => void {
  const parent = node.parentNode;
  const next = node.nextSibling;
  if (parent === null) return () => undefined;
  parent.removeChild(node);
  return () => {
    parent.insertBefore(node, next);
  };
}

function sameBase64(a: string, b: unknown): boolean {
  if (typeof b !== 'string') return false;
  const left = Buffer.from(a, 'base64');
  const right = Buffer.from(b.replace(/\s+/g, ''), 'base64');
  return left.byteLength === right.byteLength && timingSafeEqual(left, right);
}
