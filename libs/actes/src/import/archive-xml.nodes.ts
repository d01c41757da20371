import { ActesXmlError, ActesXmlErrorCode, decodeXmlText, isXmlElement, parseActesXml } from '../xml/actes-xml.read.js';
import { ActesImportError, ActesImportErrorCode } from './archive-import.errors.js';

/** Elements that may repeat in the messages of an archive, so that they always parse as lists. */
const REPEATED = new Set(['Annexe', 'Formulaire', 'Email']);
const isRepeated = (name: string): boolean => REPEATED.has(name);

/**
 * Parses an ISO-8859-1 XML file of an archive. A DOCTYPE is refused outright (no message of the schema
 * needs one, and it is the only way to declare an entity: no XML bomb, no external entity is ever
 * expanded or fetched); the message names the file, never its content.
 * @throws ActesImportError `ACTES.ARCHIVE_XML_DOCTYPE`, `ACTES.ARCHIVE_XML_MALFORMED`
 */
export function parseArchiveXml(fileName: string, bytes: Uint8Array): Record<string, unknown> {
  try {
    return parseActesXml(bytes, { isArray: isRepeated });
  } catch (error) {
    if (error instanceof ActesXmlError) {
      const code = error.code === ActesXmlErrorCode.Doctype ? ActesImportErrorCode.XmlDoctype : ActesImportErrorCode.XmlMalformed;
      throw new ActesImportError(code, `${fileName}: ${error.message}.`);
    }
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
