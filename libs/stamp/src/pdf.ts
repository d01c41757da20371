import { PDFDocument, type PDFFont, type PDFPage } from 'pdf-lib';
import { StampError, StampErrorCode } from './errors.js';

/** PDF 1.7 §7.5.2 lets a header follow some junk; readers look for it in the first kilobyte. */
const HEADER_WINDOW = 1024;
const HEADER = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-

function hasPdfHeader(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, HEADER_WINDOW) - HEADER.length;
  for (let at = 0; at <= end; at++) {
    if (HEADER.every((byte, i) => bytes[at + i] === byte)) return true;
  }
  return false;
}

function unreadable(reason: string, cause?: unknown): StampError {
  return new StampError(StampErrorCode.PdfUnreadable, `The document is not a readable PDF: ${reason}`, cause === undefined ? undefined : { cause });
}

/** An opened PDF and its pages (at least one). */
export interface OpenedPdf {
  readonly doc: PDFDocument;
  readonly pages: readonly [PDFPage, ...PDFPage[]];
}

/**
 * Opens `bytes` as a PDF whatever they hold: anything that is not one, or whose page tree cannot be
 * walked, is `STAMP.PDF_UNREADABLE`; an encrypted one `STAMP.PDF_ENCRYPTED`. Never anything else
 * (a parser's TypeError on a broken structure, a stack overflow on a cyclic page tree included).
 */
export async function openPdf(bytes: Uint8Array): Promise<OpenedPdf> {
  if (!(bytes instanceof Uint8Array)) throw unreadable('not bytes');
  if (!hasPdfHeader(bytes)) throw unreadable('no %PDF- header in its first kilobyte');
  let doc: PDFDocument;
  try {
    // Loaded whatever its encryption, then refused on `isEncrypted`: pdf-lib's EncryptedPDFError is an
    // ES5 subclass of Error, which `instanceof` does not recognise.
    doc = await PDFDocument.load(bytes, { updateMetadata: false, ignoreEncryption: true });
  } catch (error) {
    throw unreadable(error instanceof Error ? error.message : 'the parser failed', error);
  }
  if (doc.isEncrypted) throw new StampError(StampErrorCode.PdfEncrypted, 'The document is an encrypted PDF: it cannot be stamped');
  let pages: PDFPage[];
  try {
    pages = doc.getPages();
  } catch (error) {
    throw unreadable('its page tree cannot be read', error);
  }
  const [first, ...rest] = pages;
  if (first === undefined) throw unreadable('it has no page');
  return { doc, pages: [first, ...rest] };
}

/** Saves a document, as a PDF 1.4 reader can read it (no object streams). */
export async function savePdf(doc: PDFDocument): Promise<Uint8Array> {
  try {
    return await doc.save({ useObjectStreams: false, addDefaultPage: false, updateFieldAppearances: false });
  } catch (error) {
    throw unreadable('it cannot be written back', error);
  }
}

/** Characters a line of text must not hold: controls, line and paragraph separators. */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const characterSets = new WeakMap<PDFFont, ReadonlySet<number>>();

/**
 * `text` as the font can draw it: control characters and line breaks become spaces, and every
 * character the font's encoding (WinAnsi for the standard fonts) lacks becomes `?`. Pure.
 */
export function drawable(text: string, font: PDFFont): string {
  let set = characterSets.get(font);
  if (set === undefined) {
    set = new Set(font.getCharacterSet());
    characterSets.set(font, set);
  }
  const known = set;
  return Array.from(text.normalize('NFC').replace(CONTROLS, ' '), (char) => (known.has(char.codePointAt(0) ?? -1) ? char : '?')).join('');
}

/**
 * Greedy word wrap of `text` into lines at most `width` wide at `size`; a word wider than a line is
 * cut. `text` must be {@link drawable}. Pure.
 */
export function wrapText(text: string, font: PDFFont, size: number, width: number): string[] {
  const fits = (line: string): boolean => font.widthOfTextAtSize(line, size) <= width;
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ').filter((w) => w !== '')) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (fits(candidate)) {
      line = candidate;
      continue;
    }
    if (line !== '') lines.push(line);
    let rest = word;
    while (!fits(rest)) {
      let cut = rest.length - 1;
      while (cut > 1 && !fits(rest.slice(0, cut))) cut -= 1;
      lines.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    line = rest;
  }
  if (line !== '') lines.push(line);
  return lines;
}
