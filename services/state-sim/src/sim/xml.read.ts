import { ActesXmlError, decodeXmlText, isXmlElement, parseActesXml } from '@relais/actes';

import { SimError, SimErrorCode } from './sim.errors.js';

/** Elements that may repeat in the messages the simulator reads, so that they always parse as lists. */
const REPEATED = new Set(['Annexe', 'Formulaire', 'Email']);
const isRepeated = (name: string): boolean => REPEATED.has(name);

/**
 * Parses an ISO-8859-1 @ctes XML file into plain objects, namespace prefixes dropped and attributes as
 * `@_Name`. A DOCTYPE is refused outright: no message of the schema needs one.
 */
export function parseLatin1Xml(fileName: string, bytes: Buffer): Record<string, unknown> {
  try {
    return parseActesXml(bytes, { isArray: isRepeated });
  } catch (error) {
    if (error instanceof ActesXmlError) throw new SimError(SimErrorCode.MalformedXml, `${fileName}: ${error.message}.`);
    throw error;
  }
}

/** The child element `name` of `node`, if any. */
export function child(node: unknown, name: string): unknown {
  return isXmlElement(node) ? node[name] : undefined;
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
  if (!isXmlElement(node)) return undefined;
  const value = node['#text'];
  return typeof value === 'string' ? decodeXmlText(value) : '';
}
