import { ActesXmlError, decodeXmlText, isXmlElement, parseActesXml } from '@relais/actes';

import { SimError, SimErrorCode } from './sim.errors.js';

/** A parsed element, as `parseActesXml` gives it: children by local name, attributes as `@_Name`. */
export type XmlNode = Readonly<Record<string, unknown>>;

/**
 * The root element of an @ctes file, which must be `expected`.
 * @throws SimError `SIM.MALFORMED_XML` when the file cannot be read, else the error `wrongRoot` makes.
 */
export function rootElement(name: string, bytes: Uint8Array, expected: string, wrongRoot: (message: string) => SimError): XmlNode {
  let parsed: Record<string, unknown>;
  try {
    parsed = parseActesXml(bytes);
  } catch (error) {
    if (error instanceof ActesXmlError) throw new SimError(SimErrorCode.MalformedXml, `${name}: ${error.message}`);
    throw error;
  }
  const node = parsed[expected];
  // An empty element without attributes (`<actes:DemandeClassification/>`) parses to ''.
  if (node === '') return {};
  if (!isXmlElement(node)) throw wrongRoot(`${name}: expected the root element ${expected}.`);
  return node;
}

/** Every child element `name` of `node`, in order. */
export function children(node: XmlNode | undefined, name: string): XmlNode[] {
  const value = node?.[name];
  return (Array.isArray(value) ? (value as unknown[]) : [value]).filter(isXmlElement);
}

/** The first child element `name` of `node`. */
export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  return children(node, name)[0];
}

/** An attribute's decoded value (prefix dropped: `IDActe` reads `actes:IDActe`). */
export function attribute(node: XmlNode | undefined, name: string): string | undefined {
  const value = node?.[`@_${name}`];
  return typeof value === 'string' ? decodeXmlText(value) : undefined;
}

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return decodeXmlText(value);
  if (!isXmlElement(value)) return undefined;
  const text = value['#text'];
  return typeof text === 'string' ? decodeXmlText(text) : '';
}

/** The decoded text of every child element `name` (with or without attributes), in order. */
export function childTexts(node: XmlNode | undefined, name: string): string[] {
  const value = node?.[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? (value as unknown[]) : [value]).map(textOf).filter((text) => text !== undefined);
}

/** The decoded text of the first child element `name`. */
export function childText(node: XmlNode | undefined, name: string): string | undefined {
  return childTexts(node, name)[0];
}
