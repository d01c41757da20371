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

/**
 * How far from each end of a PDF its trailer may be for the encryption check to find it: the last
 * trailer (or cross-reference stream) is at the end, a linearized PDF's first-page trailer near the start.
 */
export const PDF_TRAILER_WINDOW = 64 * 1024;

// A name token ends at whitespace (NUL, HT, LF, FF, CR, space), a delimiter or the end of the text.
const NAME_END = String.raw`(?![^\0\t\n\f\r ()<>[\]{}/%])`;
// Keywords cut the text into segments: a trailer's dictionary runs from `trailer` to `startxref`, a
// cross-reference stream's from `obj` to `stream`. `endobj` and `endstream` come first, so that their
// tails are not taken for `obj` and `stream`.
const PDF_TOKENS = new RegExp(String.raw`endstream|endobj|startxref|trailer|stream|obj|/Encrypt${NAME_END}|/XRef${NAME_END}`, 'g');
const latin1 = new TextDecoder('latin1');

/** Whether some trailer dictionary, or the dictionary of a cross-reference stream, in `text` has an `/Encrypt` entry. */
function hasEncryptEntry(text: string): boolean {
  let segment: 'other' | 'trailer' | 'obj' = 'other';
  let encrypt = false;
  let xref = false;
  const encrypted = (): boolean => encrypt && (segment === 'trailer' || (segment === 'obj' && xref));
  // A fresh iterator on each call: matchAll copies the pattern, so its `lastIndex` is never shared.
  for (const [token] of text.matchAll(PDF_TOKENS)) {
    if (token === '/Encrypt') {
      encrypt = true;
    } else if (token === '/XRef') {
      xref = true;
    } else {
      if (encrypted()) return true;
      segment = token === 'trailer' ? 'trailer' : token === 'obj' ? 'obj' : 'other';
      encrypt = false;
      xref = false;
    }
  }
  return encrypted();
}

/**
 * Whether a PDF is encrypted: an `/Encrypt` entry in a trailer, or in a cross-reference stream's
 * dictionary (PDF 1.5+), found in its first or last bytes (`PDF_TRAILER_WINDOW` of each is enough).
 * A password-protected PDF cannot be read by the préfecture, nor stamped. Never throws.
 */
export function isEncryptedPdf(head: Uint8Array, tail?: Uint8Array): boolean {
  return hasEncryptEntry(latin1.decode(head)) || (tail !== undefined && hasEncryptEntry(latin1.decode(tail)));
}
