import { decodePDFRawStream, PDFArray, PDFRawStream, PDFStream, type PDFObject } from 'pdf-lib';
import { openPdf } from './pdf.js';

/* WinAnsiEncoding (PDF 1.7 Annex D) where it differs from Latin-1: 0x80..0x9F. */
const WIN_ANSI_HIGH: Readonly<Record<number, string>> = {
  0x80: '€', 0x82: '‚', 0x83: 'ƒ', 0x84: '„', 0x85: '…', 0x86: '†', 0x87: '‡', 0x88: 'ˆ', 0x89: '‰', 0x8a: 'Š',
  0x8b: '‹', 0x8c: 'Œ', 0x8e: 'Ž', 0x91: '‘', 0x92: '’', 0x93: '“', 0x94: '”', 0x95: '•', 0x96: '–', 0x97: '—',
  0x98: '˜', 0x99: '™', 0x9a: 'š', 0x9b: '›', 0x9c: 'œ', 0x9e: 'ž', 0x9f: 'Ÿ',
};

function winAnsi(bytes: readonly number[]): string {
  return bytes.map((byte) => WIN_ANSI_HIGH[byte] ?? String.fromCharCode(byte)).join('');
}

const WHITESPACE = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const DELIMITERS = new Set([0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]);
const ESCAPES: Readonly<Record<string, number>> = { n: 0x0a, r: 0x0d, t: 0x09, b: 0x08, f: 0x0c };

type Operand = { readonly text: number[] } | { readonly array: Operand[] } | { readonly other: true };

/**
 * The strings a content stream shows (`Tj`, `TJ`, `'`, `"`), decoded as WinAnsi single-byte text, in
 * order. A small reader of PDF content syntax, for the simple-font text this library and the usual
 * office tools write; not a general text extractor (no CMaps, no composite fonts).
 */
export function shownStrings(content: Uint8Array): string[] {
  const shown: string[] = [];
  const stack: Operand[][] = [[]];
  const top = (): Operand[] => stack[stack.length - 1] ?? [];
  const flatten = (operand: Operand | undefined): number[] =>
    operand === undefined ? [] : 'text' in operand ? operand.text : 'array' in operand ? operand.array.flatMap(flatten) : [];
  let i = 0;
  const n = content.length;
  const at = (k: number): number => content[k] ?? -1;
  while (i < n) {
    const c = at(i);
    if (WHITESPACE.has(c)) {
      i += 1;
    } else if (c === 0x25) {
      while (i < n && at(i) !== 0x0a && at(i) !== 0x0d) i += 1;
    } else if (c === 0x28) {
      // Literal string: balanced parentheses, backslash escapes.
      const text: number[] = [];
      let depth = 1;
      i += 1;
      while (i < n && depth > 0) {
        const b = at(i);
        if (b === 0x5c) {
          const next = String.fromCharCode(at(i + 1));
          const octal = /^[0-7]{1,3}/.exec(String.fromCharCode(at(i + 1), at(i + 2), at(i + 3)));
          if (octal !== null) {
            text.push(parseInt(octal[0], 8) & 0xff);
            i += 1 + octal[0].length;
          } else if (next === '\r' || next === '\n') {
            i += next === '\r' && at(i + 2) === 0x0a ? 3 : 2;
          } else {
            text.push(ESCAPES[next] ?? at(i + 1));
            i += 2;
          }
          continue;
        }
        if (b === 0x28) depth += 1;
        if (b === 0x29) depth -= 1;
        if (depth > 0) text.push(b);
        i += 1;
      }
      top().push({ text });
    } else if (c === 0x3c && at(i + 1) !== 0x3c) {
      // Hex string.
      let hex = '';
      i += 1;
      while (i < n && at(i) !== 0x3e) {
        const ch = String.fromCharCode(at(i));
        if (/[0-9a-fA-F]/.test(ch)) hex += ch;
        i += 1;
      }
      i += 1;
      if (hex.length % 2 === 1) hex += '0';
      const text: number[] = [];
      for (let k = 0; k < hex.length; k += 2) text.push(parseInt(hex.slice(k, k + 2), 16));
      top().push({ text });
    } else if (c === 0x5b) {
      stack.push([]);
      i += 1;
    } else if (c === 0x5d) {
      const array = stack.length > 1 ? (stack.pop() ?? []) : [];
      top().push({ array });
      i += 1;
    } else if (DELIMITERS.has(c)) {
      // Names, dictionaries and the rest: operands this reader does not need.
      i += c === 0x3c || c === 0x3e ? 2 : 1;
      if (c === 0x2f) while (i < n && !WHITESPACE.has(at(i)) && !DELIMITERS.has(at(i))) i += 1;
      top().push({ other: true });
    } else {
      let word = '';
      while (i < n && !WHITESPACE.has(at(i)) && !DELIMITERS.has(at(i))) {
        word += String.fromCharCode(at(i));
        i += 1;
      }
      if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(word) || word === 'true' || word === 'false' || word === 'null') {
        top().push({ other: true });
        continue;
      }
      const operands = top();
      if (word === 'Tj' || word === "'" || word === '"' || word === 'TJ') shown.push(winAnsi(flatten(operands[operands.length - 1])));
      if (word === 'ID') {
        // Inline image data: skip to its EI.
        while (i < n && !(WHITESPACE.has(at(i)) && at(i + 1) === 0x45 && at(i + 2) === 0x49 && (i + 3 >= n || WHITESPACE.has(at(i + 3))))) i += 1;
        i += 3;
      }
      stack.length = 1;
      stack[0] = [];
    }
  }
  return shown;
}

function contentBytes(object: PDFObject | undefined, lookup: (o: PDFObject) => PDFObject | undefined): Uint8Array[] {
  const resolved = object === undefined ? undefined : lookup(object);
  if (resolved instanceof PDFArray) return resolved.asArray().flatMap((item) => contentBytes(item, lookup));
  if (resolved instanceof PDFRawStream) return [decodePDFRawStream(resolved).decode()];
  if (resolved instanceof PDFStream) return [resolved.getContents()];
  return [];
}

/** The decoded content streams of page `pageIndex` (0-based) of a PDF, in order. */
export async function pageContents(pdf: Uint8Array, pageIndex: number): Promise<Uint8Array[]> {
  const { doc, pages } = await openPdf(pdf);
  const page = pages[pageIndex];
  if (page === undefined) throw new RangeError(`The PDF has ${pages.length} pages, not ${pageIndex + 1}`);
  return contentBytes(page.node.Contents(), (o) => doc.context.lookup(o));
}

/** The strings shown on page `pageIndex` (0-based) of a PDF, in order: see {@link shownStrings}. */
export async function shownText(pdf: Uint8Array, pageIndex = 0): Promise<string[]> {
  const contents = await pageContents(pdf, pageIndex);
  // Content streams of a page form one stream; a token never spans two of them (PDF 1.7 §7.8.2).
  return contents.flatMap((content) => shownStrings(content));
}
