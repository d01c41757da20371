import { PesBuildError, PesErrorCode } from '../pes.errors.js';

/**
 * A copy of `value` that holds no reference to the larger string it was cut from. V8 represents a
 * slice of 13 characters or more as a view on its parent: a summary that kept such views of attribute
 * values would keep every 64 KiB piece of input they came from, and a file's worth of memory with them.
 */
export function ownString(value: string): string {
  return value.length < 13 ? value : (JSON.parse(JSON.stringify(value)) as string);
}

const ENTITY = /&(?:(lt|gt|amp|quot|apos)|#([0-9]{1,7})|#x([0-9a-fA-F]{1,6}));/g;
const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the five predefined entities and character references; anything else stays as written. */
export function decodeXmlText(value: string): string {
  return value.replace(ENTITY, (match, name: string | undefined, dec: string | undefined, hex: string | undefined) => {
    if (name !== undefined) return PREDEFINED[name] ?? match;
    const codePoint = dec !== undefined ? Number.parseInt(dec, 10) : Number.parseInt(hex ?? '', 16);
    return codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : match;
  });
}

const codePointName = (codePoint: number): string => `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Refuses what an ISO-8859-1 XML file cannot carry: a character above U+00FF, or a control character
 * XML 1.0 forbids or discourages.
 * @throws PesBuildError `PES.BUILD_NOT_LATIN1`
 */
export function assertLatin1XmlText(value: string, field: string): void {
  for (const char of value) {
    const codePoint = char.codePointAt(0) ?? 0;
    const allowedControl = codePoint === 0x09 || codePoint === 0x0a || codePoint === 0x0d;
    if (codePoint > 0xff) {
      throw new PesBuildError(PesErrorCode.BuildNotLatin1, field, `${field} : le caractère « ${char} » (${codePointName(codePoint)}) n'existe pas en ISO-8859-1.`);
    }
    if ((codePoint < 0x20 && !allowedControl) || (codePoint >= 0x7f && codePoint <= 0x9f)) {
      throw new PesBuildError(PesErrorCode.BuildNotLatin1, field, `${field} : le caractère de contrôle ${codePointName(codePoint)} est interdit dans un fichier PES.`);
    }
  }
}

/** An attribute value, checked for ISO-8859-1 and escaped (whitespace kept as references, since parsers normalise it). */
export function xmlAttribute(value: string, field: string): string {
  assertLatin1XmlText(value, field);
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

/** The declaration that opens every PES file this library writes. */
export const LATIN1_XML_DECLARATION = '<?xml version="1.0" encoding="ISO-8859-1"?>';

/** The bytes of a document whose values all went through {@link xmlAttribute}: one byte per character. */
export function encodeLatin1Xml(document: string): Buffer {
  assertLatin1XmlText(document, 'document');
  return Buffer.from(document, 'latin1');
}
