import { DOMParser, onErrorStopParsing, type Element } from '@xmldom/xmldom';
import { messageOf, PES_SIGNATURE_CODES } from '../file-checks.errors.js';
import type { PesSignatureCheck, PesSignaturesOptions, PesSignaturesResult } from './pes-signatures.types.js';
import { decodeXml } from './xml-text.decode.js';
import { verifyCore } from './xmldsig.core.js';
import { DSIG_NS, readSignature } from './xmldsig.read.js';

/** Files above this many bytes are not read into a DOM unless the caller allows it. */
export const DEFAULT_MAX_DOM_BYTES = 64 * 1024 * 1024;

/** The attributes taken as IDs, by local name whatever their namespace, as xml-crypto's `idAttributes`. */
const ID_ATTRIBUTES = new Set(['Id', 'ID', 'id']);

/**
 * Verifies every XMLDSig/XAdES signature of a PES (DOMAIN.md §2.2): each bordereau's enveloped
 * `ds:Signature` (Reference `#<Bordereau Id>`) and the optional whole-file one. For each, the core
 * validation with xml-crypto's canonicalizers and algorithms (every Reference's digest after its
 * transforms, the XAdES SignedProperties one included, then the SignatureValue with the KeyInfo
 * certificate), and the XAdES SigningCertificate digest against that certificate. Every signed Id
 * must name exactly one element of the file (against signature wrapping). Who signed is reported,
 * not judged: no trust list, no validity period, no revocation. Signatures nested in another one
 * (counter-signatures) are not checked.
 *
 * The file is decoded per its XML declaration and parsed once. Synchronous and CPU-bound (about
 * 0.5 s per MB of small elements): run it off the event loop, in a worker, for large files.
 */
export function verifyPesSignatures(bytes: Uint8Array, options: PesSignaturesOptions = {}): PesSignaturesResult {
  const maxDomBytes = options.maxDomBytes ?? DEFAULT_MAX_DOM_BYTES;
  if (bytes.byteLength > maxDomBytes) {
    return notChecked(`the file is ${bytes.byteLength} bytes, above the ${maxDomBytes} bytes read into a DOM to check signatures`);
  }
  const decoded = decodeXml(bytes);
  if ('problem' in decoded) return notChecked(decoded.problem);
  // Without the XMLDSig namespace written out there is no signature for a parser to find: no DOM
  // for the (common) unsigned file. A namespace hidden behind character references would only make
  // a signed file pass as unsigned, which is allowed anyway.
  if (!decoded.text.includes(DSIG_NS)) return { signed: false, valid: true, signatures: [] };
  // No DTD is ever needed by a PES, and it is the only way to declare entities.
  if (decoded.text.includes('<!DOCTYPE')) return notChecked('the file has a DOCTYPE, which a PES never has');

  let root: Element | null;
  try {
    root = new DOMParser({ onError: onErrorStopParsing, locator: false }).parseFromString(decoded.text, 'text/xml').documentElement;
  } catch (error) {
    return notChecked(`the file is not well-formed XML: ${messageOf(error)}`);
  }
  if (root === null) return notChecked('the file has no root element');
  let signatures: PesSignatureCheck[];
  try {
    signatures = checkSignatures(root);
  } catch (error) {
    // A file built to exhaust the stack (elements nested by the hundred thousand), say.
    return notChecked(`the file could not be read for signatures: ${messageOf(error)}`);
  }
  if (signatures.length === 0) return { signed: false, valid: true, signatures: [] };
  return { signed: true, valid: signatures.every((signature) => signature.verdict === 'valid'), signatures };
}

function notChecked(reason: string): PesSignaturesResult {
  return { signed: 'unknown', code: PES_SIGNATURE_CODES.NOT_CHECKED, reason };
}

function checkSignatures(root: Element): PesSignatureCheck[] {
  const outermost = [...root.getElementsByTagNameNS(DSIG_NS, 'Signature')].filter((signature) => !hasSignatureAncestor(signature));
  if (outermost.length === 0) return [];
  const ids = idIndex(root);
  return outermost.map((signature) => {
    const reading = readSignature(signature);
    if ('settled' in reading) return reading.settled;
    const { check, certificatePem } = reading.verify;
    const invalid = (code: typeof PES_SIGNATURE_CODES.INVALID | typeof PES_SIGNATURE_CODES.MALFORMED, reason: string): PesSignatureCheck => ({
      ...check,
      verdict: 'invalid',
      code,
      reason,
    });
    for (const uri of check.referenceUris) {
      const count = uri === '' ? 1 : (ids.get(uri.slice(1))?.count ?? 0);
      if (count > 1) return invalid(PES_SIGNATURE_CODES.INVALID, `${uri} names ${count} elements of the file: what was signed is ambiguous (signature wrapping?)`);
    }
    const targetOf = (uri: string): Element | undefined => (uri === '' ? root : ids.get(uri.slice(1))?.element);
    const core = verifyCore(signature, targetOf, certificatePem);
    if (core.valid) return { ...check, verdict: 'valid' };
    return invalid(core.malformed ? PES_SIGNATURE_CODES.MALFORMED : PES_SIGNATURE_CODES.INVALID, core.reason);
  });
}

interface IdEntry {
  readonly element: Element;
  /** How many ID attributes of the file carry this value. */
  count: number;
}

/** Every value of an `Id`/`ID`/`id` attribute in the file, with its first element and how often it occurs. */
function idIndex(root: Element): Map<string, IdEntry> {
  const ids = new Map<string, IdEntry>();
  const pending: Element[] = [root];
  for (let element = pending.pop(); element !== undefined; element = pending.pop()) {
    for (const attribute of element.attributes) {
      if (!ID_ATTRIBUTES.has(attribute.localName ?? attribute.name)) continue;
      const entry = ids.get(attribute.value);
      if (entry === undefined) ids.set(attribute.value, { element, count: 1 });
      else entry.count += 1;
    }
    for (let child = element.lastChild; child !== null; child = child.previousSibling) {
      if (child.nodeType === child.ELEMENT_NODE) pending.push(child as Element);
    }
  }
  return ids;
}

function hasSignatureAncestor(element: Element): boolean {
  for (let node = element.parentNode; node !== null; node = node.parentNode) {
    const candidate = node as Element;
    if (candidate.localName === 'Signature' && candidate.namespaceURI === DSIG_NS) return true;
  }
  return false;
}
