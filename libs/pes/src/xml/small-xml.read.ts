import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { PesErrorCode, PesReadError } from '../pes.errors.js';
import { decodeWhole, type SniffedEncoding } from './xml-encoding.js';
import { decodeXmlText } from './xml-text.js';

/** A parsed element: children by qualified name (always lists), attributes as `@_Name`. */
export type XmlElement = Record<string, unknown>;

/** A small XML file read whole: its root element and what its declaration said. */
export interface SmallXmlDocument {
  /** The root's local name (prefix removed). */
  readonly rootName: string;
  /** The root's namespace URI, from the `xmlns` declaration on the root; empty when none. */
  readonly namespace: string;
  readonly root: XmlElement;
  readonly sniffed: SniffedEncoding;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: false,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
});

/**
 * Parses a small PES file (a PES_Acquit, a PES_NonAcquit) into plain objects, after the same refusals
 * as the streaming reader: an encoding other than ISO-8859-1 or UTF-8, a DOCTYPE (no entity is ever
 * expanded), XML that is not well-formed.
 * @throws PesReadError `PES.ENCODING_UNSUPPORTED`, `PES.ENCODING_INVALID`, `PES.DOCTYPE_FORBIDDEN`, `PES.MALFORMED_XML`
 */
export function parseSmallXml(bytes: Uint8Array): SmallXmlDocument {
  const { text, sniffed } = decodeWhole(bytes);
  const doctype = text.search(/<!DOCTYPE/i);
  if (doctype !== -1) {
    const line = text.slice(0, doctype).split('\n').length;
    throw new PesReadError(PesErrorCode.DoctypeForbidden, 'un DOCTYPE n’est pas accepté dans un fichier PES', { line });
  }
  // fast-xml-validator, its successor, is not among the workspace's packages; the parser alone is lenient.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new PesReadError(PesErrorCode.MalformedXml, `XML mal formé : ${valid.err.msg}`, { line: valid.err.line, column: valid.err.col });
  }
  let parsed: XmlElement;
  try {
    parsed = parser.parse(text) as XmlElement;
  } catch (error) {
    // The validator passes a few things the parser throws a bare Error on (`<?"x?>`, found by fuzzing).
    throw new PesReadError(PesErrorCode.MalformedXml, `XML mal formé : ${error instanceof Error ? error.message : String(error)}`);
  }
  const rootKey = Object.keys(parsed).find((key) => !key.startsWith('?'));
  const root = rootKey === undefined ? undefined : (parsed[rootKey] as unknown[])[0];
  if (rootKey === undefined || !isElement(root)) throw new PesReadError(PesErrorCode.MalformedXml, 'XML mal formé : aucun élément racine');
  const colon = rootKey.indexOf(':');
  const prefix = colon === -1 ? undefined : rootKey.slice(0, colon);
  const namespace = root[prefix === undefined ? '@_xmlns' : `@_xmlns:${prefix}`];
  return { rootName: rootKey.slice(colon + 1), namespace: typeof namespace === 'string' ? decodeXmlText(namespace) : '', root, sniffed };
}

/** The child elements of `element` with local name `name` (any prefix), in document order. */
export function children(element: XmlElement, name: string): XmlElement[] {
  const found: XmlElement[] = [];
  for (const [key, value] of Object.entries(element)) {
    if (key.startsWith('@_') || (key !== name && !key.endsWith(`:${name}`)) || !Array.isArray(value)) continue;
    for (const item of value) found.push(isElement(item) ? item : {});
  }
  return found;
}

/** The first child named `name`, or undefined. */
export function child(element: XmlElement, name: string): XmlElement | undefined {
  return children(element, name)[0];
}

/** The decoded `V` attribute of the first child named `name` (the PES way of carrying values), or undefined. */
export function childValue(element: XmlElement | undefined, name: string): string | undefined {
  if (element === undefined) return undefined;
  const value = child(element, name)?.['@_V'];
  return typeof value === 'string' ? decodeXmlText(value) : undefined;
}

function isElement(value: unknown): value is XmlElement {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
