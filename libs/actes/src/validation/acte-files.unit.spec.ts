import { describe, expect, it } from '@jest/globals';

import { validateActe } from './acte.validate.js';
import { DEFAULT_ACTES_RULES } from './acte-validation.rules.js';
import type {
  ActeFileInput,
  ActeMetadataInput,
  ActeSubmissionInput,
  ActeValidationContext,
  ActeValidationResult,
} from './acte-validation.types.js';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const concat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((part) => Array.from(part)));

/** A small but complete PDF with a 4 KiB content stream, so that head and tail do not overlap. */
const pdf = concat(
  text('%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n'),
  text(`3 0 obj\n<< /Length 4096 >>\nstream\n${'BT /F1 12 Tf (Deliberation) Tj ET\n'.repeat(120)}endstream\nendobj\n`),
  text('trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n4242\n%%EOF\n'),
);
const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]);
const xml = text('<?xml version="1.0" encoding="UTF-8"?>\n<DocumentBudgetaire xmlns="http://www.minefi.gouv.fr/cp/demat/docbudgetaire"/>');

/** A received file as the validator sees it: its size, first and last 1024 bytes. */
const file = (name: string, bytes: Uint8Array, size = bytes.length): ActeFileInput => ({
  name,
  size,
  head: bytes.subarray(0, 1024),
  tail: bytes.subarray(-1024),
});

const metadata: ActeMetadataInput = {
  numeroInterne: 'BP2026',
  dateDecision: '2026-03-30',
  nature: 5,
  classification: '7.1',
  objet: 'Budget primitif 2026',
};
const context: ActeValidationContext = { today: '2026-11-28', existingNumerosInternes: new Set(), rules: DEFAULT_ACTES_RULES };

const validate = (input: Partial<ActeSubmissionInput>, ctx: Partial<ActeValidationContext> = {}): ActeValidationResult =>
  validateActe({ metadata, document: file('acte.pdf', pdf), annexes: [], ...input }, { ...context, ...ctx });

const errorsOf = (result: ActeValidationResult): string[] =>
  result.ok ? [] : result.errors.map((error) => `${error.code} ${error.field ?? ''}`.trim());

describe('main document', () => {
  it('accepts a complete PDF', () => {
    const result = validate({});
    expect(result.ok && result.normalized.document).toEqual({ name: 'acte.pdf', size: pdf.length, format: 'pdf' });
  });

  it('refuses a PNG renamed .pdf, and a JPEG or a Word file', () => {
    expect(errorsOf(validate({ document: file('acte.pdf', png) }))).toEqual(['ACTE.DOCUMENT_NOT_PDF document']);
    expect(errorsOf(validate({ document: file('scan.pdf', jpeg) }))).toEqual(['ACTE.DOCUMENT_NOT_PDF document']);
    const docx = text('PK\u0003\u0004[Content_Types].xml');
    expect(errorsOf(validate({ document: file('acte.docx', docx) }))).toEqual(['ACTE.DOCUMENT_NOT_PDF document']);
  });

  it('refuses a PDF cut short, and trusts the header alone when no tail is given', () => {
    const cut = pdf.subarray(0, 3000);
    expect(errorsOf(validate({ document: file('acte.pdf', cut) }))).toEqual(['ACTE.DOCUMENT_TRUNCATED document']);
    const headOnly = { name: 'acte.pdf', size: cut.length, head: cut.subarray(0, 1024) };
    expect(errorsOf(validate({ document: headOnly }))).toEqual([]);
  });

  it('refuses a missing or empty document', () => {
    expect(errorsOf(validate({ document: undefined }))).toEqual(['ACTE.DOCUMENT_MISSING document']);
    expect(errorsOf(validate({ document: file('acte.pdf', new Uint8Array(0)) }))).toEqual([
      'ACTE.DOCUMENT_MISSING document',
    ]);
  });

  it('accepts XML only for a budget (nature 5) classified 7.1 or below', () => {
    expect(validate({ document: file('budget.xml', xml) }).ok).toBe(true);
    const below = { ...metadata, classification: '7.1.2' };
    expect(validate({ metadata: below, document: file('budget.xml', xml) }).ok).toBe(true);
    for (const changes of [{ nature: 1 }, { classification: '7.2' }, { nature: 'BF', classification: '1.7' }]) {
      const result = validate({ metadata: { ...metadata, ...changes }, document: file('budget.xml', xml) });
      expect(errorsOf(result)).toEqual(['ACTE.DOCUMENT_FORMAT_NOT_ALLOWED document']);
    }
  });

  it('does not blame the format of an XML document when the nature itself is wrong', () => {
    const result = validate({ metadata: { ...metadata, nature: 9 }, document: file('budget.xml', xml) });
    expect(errorsOf(result)).toEqual(['ACTE.NATURE_INVALID nature']);
  });
});

describe('annexes', () => {
  it('accepts PDF, XML, PNG and JPEG annexes, recognised by their bytes', () => {
    const annexes = [file('a.pdf', pdf), file('b.xml', xml), file('c.bin', png), file('d.jpg', jpeg)];
    const result = validate({ annexes });
    expect(result.ok && result.normalized.annexes.map((a) => a.format)).toEqual(['pdf', 'xml', 'png', 'jpeg']);
  });

  it('refuses an unknown format and a truncated PDF, naming the annexe', () => {
    const annexes = [file('a.pdf', pdf), file('plan.pdf', text('GIF89a')), file('c.pdf', pdf.subarray(0, 2000))];
    expect(errorsOf(validate({ annexes }))).toEqual([
      'ACTE.ANNEXE_FORMAT_INVALID annexes[1]',
      'ACTE.ANNEXE_TRUNCATED annexes[2]',
    ]);
  });

  it('follows the formats of the rules', () => {
    const rules = { ...DEFAULT_ACTES_RULES, annexeFormats: ['pdf'] as const };
    expect(errorsOf(validate({ annexes: [file('plan.png', png)] }, { rules }))).toEqual([
      'ACTE.ANNEXE_FORMAT_INVALID annexes[0]',
    ]);
  });

  it('wants PDF annexes only, with an XML acte', () => {
    const annexes = [file('a.pdf', pdf), file('plan.png', png)];
    expect(errorsOf(validate({ document: file('budget.xml', xml), annexes }))).toEqual([
      'ACTE.ANNEXE_FORMAT_NOT_ALLOWED annexes[1]',
    ]);
  });
});

describe('file names', () => {
  it.each(['', '  ', '../acte.pdf', 'dossier/acte.pdf', 'C:\\acte.pdf', 'acte..pdf', 'acte\u0000.pdf', 'acte\n.pdf'])(
    'refuses %j',
    (name) => {
      expect(errorsOf(validate({ document: file(name, pdf) }))).toEqual(['ACTE.FILE_NAME_INVALID document']);
      expect(errorsOf(validate({ annexes: [file(name, pdf)] }))).toEqual(['ACTE.FILE_NAME_INVALID annexes[0]']);
    },
  );

  it('accepts accents, spaces and several dots', () => {
    expect(errorsOf(validate({ document: file('Délibération n° 12.2026 (signée).pdf', pdf) }))).toEqual([]);
  });
});

describe('total size', () => {
  const mib = 1024 * 1024;

  it('accepts exactly 150 MiB and refuses one byte more', () => {
    const document = file('acte.pdf', pdf, 100 * mib);
    expect(errorsOf(validate({ document, annexes: [file('a.pdf', pdf, 50 * mib)] }))).toEqual([]);
    const result = validate({ document, annexes: [file('a.pdf', pdf, 50 * mib + 1)] });
    expect(errorsOf(result)).toEqual(['ACTE.ARCHIVE_TOO_LARGE']);
    expect(!result.ok && result.errors[0]?.message).toBe(
      "L'acte et ses annexes pèsent ensemble 150,1 Mo ; la limite est de 150,0 Mo.",
    );
  });

  it('follows the ceiling of the rules', () => {
    const rules = { ...DEFAULT_ACTES_RULES, maxArchiveBytes: 20 * mib };
    expect(errorsOf(validate({ document: file('acte.pdf', pdf, 21 * mib) }, { rules }))).toEqual([
      'ACTE.ARCHIVE_TOO_LARGE',
    ]);
  });
});
