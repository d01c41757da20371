import { describe, expect, it } from '@jest/globals';

import { hasPdfEnd, sniffFormat } from './file-format.sniff.js';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const concat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((part) => Array.from(part)));
const filler = (length: number): Uint8Array => new Uint8Array(length).fill(0x41);

describe('sniffFormat', () => {
  it('recognises a PDF by its header', () => {
    expect(sniffFormat(text('%PDF-1.7\n%\u00e2\u00e3\n1 0 obj'))).toBe('pdf');
  });

  it('accepts junk before %PDF- within the first 1024 bytes, and not beyond', () => {
    expect(sniffFormat(concat(filler(1019), text('%PDF-1.4')))).toBe('pdf');
    expect(sniffFormat(concat(filler(1020), text('%PDF-1.4')))).toBeUndefined();
  });

  it('recognises PNG and JPEG by their signatures', () => {
    expect(sniffFormat(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13))).toBe('png');
    expect(sniffFormat(bytes(0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46))).toBe('jpeg');
  });

  it('recognises XML by its declaration, after a byte order mark or blanks', () => {
    expect(sniffFormat(text('<?xml version="1.0" encoding="UTF-8"?><DocumentBudgetaire/>'))).toBe('xml');
    expect(sniffFormat(concat(bytes(0xef, 0xbb, 0xbf), text('<?xml version="1.0"?><a/>')))).toBe('xml');
    expect(sniffFormat(text('\r\n  <?xml version="1.0"?><a/>'))).toBe('xml');
  });

  it('takes anything with %PDF- early on for a PDF, as PDF readers do', () => {
    expect(sniffFormat(text('<html><body>%PDF-</body></html>'))).toBe('pdf');
  });

  it('does not take HTML, a Word file, a truncated signature or nothing for a known format', () => {
    expect(sniffFormat(text('<html><body>Délibération</body></html>'))).toBeUndefined();
    expect(sniffFormat(text('PK\u0003\u0004word/document.xml'))).toBeUndefined();
    expect(sniffFormat(bytes(0x89, 0x50, 0x4e, 0x47))).toBeUndefined();
    expect(sniffFormat(new Uint8Array(0))).toBeUndefined();
  });
});

describe('hasPdfEnd', () => {
  it('finds %%EOF at the end, with or without a final line break', () => {
    expect(hasPdfEnd(text('startxref\n113\n%%EOF\n'))).toBe(true);
    expect(hasPdfEnd(text('startxref\n113\n%%EOF'))).toBe(true);
  });

  it('looks only at the last 1024 bytes', () => {
    expect(hasPdfEnd(concat(text('%%EOF'), filler(1019)))).toBe(true);
    expect(hasPdfEnd(concat(text('%%EOF'), filler(1020)))).toBe(false);
  });

  it('misses the marker of a file cut short', () => {
    expect(hasPdfEnd(text('stream\nBT /F1 12 Tf (Délibéra'))).toBe(false);
    expect(hasPdfEnd(text('%%EO'))).toBe(false);
  });
});
