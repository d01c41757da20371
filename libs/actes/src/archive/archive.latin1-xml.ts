import { ActesArchiveError, ActesArchiveErrorCode } from './archive.errors.js';

/** The namespace of every @ctes element and attribute. */
export const ACTES_NAMESPACE = 'http://www.interieur.gouv.fr/ACTES#v1.1-20040216';
/** The INSEE namespace, which carries the `SIREN` attribute. */
export const INSEE_NAMESPACE = 'http://xml.insee.fr/schema';

/** The declaration that opens every @ctes XML message. */
export const LATIN1_XML_DECLARATION = '<?xml version="1.0" encoding="ISO-8859-1"?>';

const CODE_POINT_NAME = (codePoint: number): string => `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Refuses what ISO-8859-1 XML cannot carry: a character above U+00FF (it would be mangled into `?` or
 * a wrong byte) or a control character XML 1.0 forbids.
 * @throws ActesArchiveError `ACTES.NOT_LATIN1`, `ACTES.XML_FORBIDDEN_CHARACTER`
 */
export function assertLatin1XmlText(value: string, field: string): void {
  for (const char of value) {
    const codePoint = char.codePointAt(0) ?? 0;
    if (codePoint > 0xff) {
      throw new ActesArchiveError(
        ActesArchiveErrorCode.NotLatin1,
        field,
        `${field}: le caractère « ${char} » (${CODE_POINT_NAME(codePoint)}) n'existe pas en ISO-8859-1.`,
      );
    }
    const allowedControl = codePoint === 0x09 || codePoint === 0x0a || codePoint === 0x0d;
    if ((codePoint < 0x20 && !allowedControl) || (codePoint >= 0x7f && codePoint <= 0x84) || (codePoint >= 0x86 && codePoint <= 0x9f)) {
      throw new ActesArchiveError(
        ActesArchiveErrorCode.XmlForbiddenCharacter,
        field,
        `${field}: le caractère de contrôle ${CODE_POINT_NAME(codePoint)} est interdit dans un message XML.`,
      );
    }
  }
}

/** Text content, checked and escaped; `\r` is kept as a reference so that parsers do not drop it. */
export function xmlText(value: string, field: string): string {
  assertLatin1XmlText(value, field);
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

/** An attribute value, checked and escaped; whitespace is kept as references, since parsers normalise it. */
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

/**
 * The bytes of an XML document whose every value went through {@link xmlText} or {@link xmlAttribute}:
 * one byte per character, ISO-8859-1. Checked once more so that no caller can mangle a character.
 */
export function encodeLatin1Xml(document: string): Buffer {
  assertLatin1XmlText(document, 'document');
  return Buffer.from(document, 'latin1');
}
