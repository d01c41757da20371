import { XMLParser, XMLValidator } from 'fast-xml-parser';

import { SimError, SimErrorCode } from './sim.errors.js';

/** Elements that may repeat in the messages the simulator reads, so that they always parse as lists. */
const REPEATED = new Set(['Annexe', 'Formulaire', 'Email']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  // Entities are never expanded by the parser (no DTD can add any); the five predefined ones and character
  // references are decoded afterwards by decodeXmlText.
  processEntities: false,
  isArray: (name) => REPEATED.has(name),
});

const ENTITY = /&(?:(lt|gt|amp|quot|apos)|#([0-9]{1,7})|#x([0-9a-fA-F]{1,6}));/g;
const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the predefined entities and character references the parser left as they were. */
export function decodeXmlText(value: string): string {
  return value.replace(ENTITY, (match, name: string | undefined, dec: string | undefined, hex: string | undefined) => {
    if (name !== undefined) return PREDEFINED[name] ?? match;
    const codePoint = dec !== undefined ? Number.parseInt(dec, 10) : Number.parseInt(hex ?? '', 16);
    return codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : match;
  });
}

/**
 * Parses an ISO-8859-1 @ctes XML file into plain objects, namespace prefixes dropped and attributes as
 * `@_Name`. A DOCTYPE is refused outright: no message of the schema needs one.
 */
export function parseLatin1Xml(fileName: string, bytes: Buffer): Record<string, unknown> {
  const text = bytes.toString('latin1');
  if (/<!DOCTYPE/i.test(text)) {
    throw new SimError(SimErrorCode.MalformedXml, `${fileName}: a DOCTYPE is not accepted.`);
  }
  // fast-xml-validator, its successor, is not among the workspace's packages; the parser alone is lenient.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new SimError(SimErrorCode.MalformedXml, `${fileName}: not well-formed XML (${valid.err.msg}, line ${valid.err.line}).`);
  }
  const parsed: unknown = parser.parse(text);
  if (!isRecord(parsed)) throw new SimError(SimErrorCode.MalformedXml, `${fileName}: no root element.`);
  return parsed;
}

/** Whether `value` is a parsed element with children or attributes. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The child element `name` of `node`, if any. */
export function child(node: unknown, name: string): unknown {
  return isRecord(node) ? node[name] : undefined;
}

/** The repeated child elements `name` of `node` (empty when absent). */
export function children(node: unknown, name: string): unknown[] {
  const value = child(node, name);
  if (value === undefined) return [];
  return Array.isArray(value) ? (value as unknown[]) : [value];
}

/** The decoded value of attribute `name` of `node`, if any. */
export function attribute(node: unknown, name: string): string | undefined {
  const value = child(node, `@_${name}`);
  return typeof value === 'string' ? decodeXmlText(value) : undefined;
}

/** The decoded text of an element (`''` for an empty one), if it is there. */
export function text(node: unknown): string | undefined {
  if (typeof node === 'string') return decodeXmlText(node);
  if (!isRecord(node)) return undefined;
  const value = node['#text'];
  return typeof value === 'string' ? decodeXmlText(value) : '';
}
