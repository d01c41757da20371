/** A file format that @ctes carries, recognised by the file's bytes. */
export type FileFormat = 'pdf' | 'xml' | 'png' | 'jpeg';

/** How far into a file its PDF header, and from its end its `%%EOF`, may be (as PDF readers tolerate). */
export const PDF_MARKER_WINDOW = 1024;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];
const UTF8_BOM = [0xef, 0xbb, 0xbf];
const PDF_HEADER = ascii('%PDF-');
const PDF_END = ascii('%%EOF');
const XML_DECLARATION = ascii('<?xml');

function ascii(text: string): number[] {
  return Array.from(text, (char) => char.charCodeAt(0));
}

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  return at + prefix.length <= bytes.length && prefix.every((byte, i) => bytes[at + i] === byte);
}

function indexOf(bytes: Uint8Array, needle: readonly number[], from = 0): number {
  for (let at = Math.max(0, from); at + needle.length <= bytes.length; at += 1) {
    if (startsWith(bytes, needle, at)) return at;
  }
  return -1;
}

function isXmlBlank(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

/**
 * An XML declaration at the start, after an optional UTF-8 byte order mark and blanks. Like libmagic
 * (which S²LOW relies on), a document without a declaration is not taken for XML.
 */
function isXml(head: Uint8Array): boolean {
  let at = startsWith(head, UTF8_BOM) ? UTF8_BOM.length : 0;
  while (isXmlBlank(head[at])) at += 1;
  return startsWith(head, XML_DECLARATION, at);
}

/**
 * The format of a file from its first bytes (1024 are enough), whatever its name says: PNG and JPEG by
 * their signatures, XML by its declaration, PDF by `%PDF-` within the first 1024 bytes.
 */
export function sniffFormat(head: Uint8Array): FileFormat | undefined {
  if (startsWith(head, PNG_SIGNATURE)) return 'png';
  if (startsWith(head, JPEG_SIGNATURE)) return 'jpeg';
  if (isXml(head)) return 'xml';
  if (indexOf(head.subarray(0, PDF_MARKER_WINDOW), PDF_HEADER) !== -1) return 'pdf';
  return undefined;
}

/** Whether the last bytes of a PDF hold its `%%EOF` marker; a file cut short in transit has none. */
export function hasPdfEnd(tail: Uint8Array): boolean {
  return indexOf(tail, PDF_END, tail.length - PDF_MARKER_WINDOW) !== -1;
}
