import { describe, expect, it } from '@jest/globals';

import { validateActe } from './acte.validate.js';
import { ActeErrorCode } from './acte-validation.errors.js';
import { DEFAULT_ACTES_RULES, type ActesRules } from './acte-validation.rules.js';
import type {
  ActeFileInput,
  ActeMetadataInput,
  ActesClassification,
  ActeSubmissionInput,
  ActeValidationContext,
  ActeValidationResult,
} from './acte-validation.types.js';
import { PDF_TRAILER_WINDOW } from './file-format.sniff.js';

/*
 * Every rule of DOMAIN.md §1.4–1.8 that validateActe applies, one table row per case: a valid acte
 * changed in one way, and the one error (code and field) that change must bring, nothing else.
 */

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const MIB = 1024 * 1024;

/** A small but well-formed PDF: header, catalog, `body`, cross-reference table, trailer `<< trailer >>`, `%%EOF`. */
function pdf(trailer = '/Size 2 /Root 1 0 R', body = ''): Uint8Array {
  return text(
    `%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n${body}` +
      `xref\n0 2\n0000000000 65535 f \n0000000015 00000 n \ntrailer\n<< ${trailer} >>\nstartxref\n64\n%%EOF\n`,
  );
}

/** A PDF 1.5 whose cross-reference is a stream, its dictionary holding `entries`. */
function xrefStreamPdf(entries: string): Uint8Array {
  return text(
    '%PDF-1.5\n1 0 obj\n<< /Type /Catalog >>\nendobj\n' +
      `6 0 obj\n<< /Type /XRef /Length 4 /W [ 1 2 1 ] /Root 1 0 R ${entries}>>\nstream\n\u0001\u0002\u0003\u0004\nendstream\nendobj\nstartxref\n48\n%%EOF\n`,
  );
}

/** A linearized encrypted PDF: the first-page trailer near the start has `/Encrypt`, the last one only `/Size`. */
const linearizedEncrypted = text(
  '%PDF-1.7\n2 0 obj\n<< /Linearized 1 /L 1560 /O 6 /E 1335 /N 1 /T 1402 >>\nendobj\n' +
    'xref\n2 1\n0000000015 00000 n \ntrailer << /Root 3 0 R /Encrypt 4 0 R /Prev 1200 >>\nstartxref\n0\n%%EOF\n' +
    `3 0 obj\n<< /Type /Catalog >>\nendobj\n${'% padding\n'.repeat(8000)}` +
    'xref\n0 1\n0000000000 65535 f \ntrailer << /Size 2 >>\nstartxref\n120\n%%EOF\n',
);

const png = bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52);
const jpeg = bytes(0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00);
const gif = text('GIF89a\u0001\u0000\u0001\u0000');
const xml = text('<?xml version="1.0" encoding="UTF-8"?>\n<DocumentBudgetaire xmlns="http://www.minefi.gouv.fr/cp/demat/docbudgetaire"/>');
const zip = text('PK\u0003\u0004[Content_Types].xml');

/** A received file as the validator reads it from the blob store: its size and the ends of its bytes. */
function file(name: string, content: Uint8Array, size = content.length): ActeFileInput {
  return { name, size, head: content.subarray(0, PDF_TRAILER_WINDOW), tail: content.subarray(-PDF_TRAILER_WINDOW) };
}

/** The collectivité's classification: a few matières, and the piece types of four natures (AR and AU list none). */
const classification: ActesClassification = {
  version: '2019-03-01',
  codes: new Set(['1', '1.1', '5', '5.2', '7', '7.1', '7.1.2', '7.2']),
  natures: new Map([
    ['DE', new Set(['99_DE', '23_DE', '99_SE'])],
    ['AI', new Set(['99_AI'])],
    ['CC', new Set(['99_DC', '11_AC'])],
    ['BF', new Set(['99_BU', '99_SE'])],
  ]),
};

const metadata: ActeMetadataInput = {
  numeroInterne: 'DEL2026_042',
  dateDecision: '2026-11-20',
  nature: 'DE',
  classification: '5.2',
  objet: 'Règlement intérieur du conseil municipal',
};

const context: ActeValidationContext = {
  today: '2026-11-28',
  existingNumerosInternes: new Set(['DEL2026_041']),
  classification,
  rules: DEFAULT_ACTES_RULES,
};

/** A valid délibération: a PDF, no annexe. */
const valid: ActeSubmissionInput = { metadata, document: file('deliberation.pdf', pdf()), annexes: [] };

/** Metadata as a client may really send them: any field, any JSON value. */
const loose = (changes: Record<string, unknown>): ActeMetadataInput => ({ ...metadata, ...changes });

/** An acte imported in an @ctes archive, its files named as DOMAIN.md §1.7 says. */
const imported: ActeSubmissionInput = {
  metadata,
  document: file('99_DE-021-212102313-20261120-DEL2026_042-DE-1-1_1.pdf', pdf()),
  annexes: [file('99_SE-021-212102313-20261120-DEL2026_042-DE-1-1_2.pdf', pdf())],
  archive: { name: 'SLO-EACT--212102313--20261121-7.tar.gz' },
};

interface Case {
  readonly rule: string;
  readonly input?: Partial<ActeSubmissionInput>;
  readonly metadata?: ActeMetadataInput;
  readonly context?: Partial<ActeValidationContext>;
  readonly rules?: Partial<ActesRules>;
}

function run(row: Case): ActeValidationResult {
  const rules = { ...DEFAULT_ACTES_RULES, ...row.rules };
  return validateActe(
    { ...valid, ...(row.metadata === undefined ? {} : { metadata: row.metadata }), ...row.input },
    { ...context, ...row.context, rules },
  );
}

const errorsOf = (result: ActeValidationResult): (readonly [string, string | undefined])[] =>
  result.ok ? [] : result.errors.map((error) => [error.code, error.field] as const);

describe('the acte rules: valid actes', () => {
  const cases: Case[] = [
    { rule: 'a délibération in PDF, no annexe' },
    { rule: 'a numéro interne of 15 characters', metadata: { ...metadata, numeroInterne: 'ABCDEFGHIJ12345' } },
    { rule: 'a numéro interne of one character', metadata: { ...metadata, numeroInterne: '7' } },
    { rule: 'a decision of today', metadata: { ...metadata, dateDecision: '2026-11-28' } },
    { rule: 'a decision of 29 February in a leap year', metadata: { ...metadata, dateDecision: '2024-02-29' } },
    { rule: 'the nature as its code', metadata: { ...metadata, nature: 1 } },
    { rule: 'a classification of three levels', metadata: { ...metadata, classification: '7.1.2' } },
    { rule: 'a classification with leading zeros', metadata: { ...metadata, classification: '05.02' } },
    { rule: 'an objet of 499 Latin-1 characters', metadata: { ...metadata, objet: 'é'.repeat(499) } },
    { rule: 'a paper follow-up', metadata: { ...metadata, documentPapier: true } },
    { rule: 'no paper follow-up', metadata: { ...metadata, documentPapier: false } },
    { rule: 'a piece type the nature allows', metadata: { ...metadata, typePJ: '23_DE' } },
    {
      rule: 'annexes in PDF, XML, PNG and JPEG, each with an allowed piece type',
      metadata: { ...metadata, annexesTypePJ: ['99_SE', '99_DE', '99_DE', '23_DE'] },
      input: { annexes: [file('a.pdf', pdf()), file('b.xml', xml), file('c.png', png), file('d.jpg', jpeg)] },
    },
    {
      rule: 'a budget in XML (nature 5, classification 7.1) with a PDF annexe',
      metadata: { ...metadata, nature: 5, classification: '7.1' },
      input: { document: file('budget.xml', xml), annexes: [file('annexe.pdf', pdf())] },
    },
    {
      rule: 'a budget in XML classified under 7.1',
      metadata: { ...metadata, nature: 'BF', classification: '7.1.2' },
      input: { document: file('budget.xml', xml) },
    },
    {
      rule: 'document and annexes of exactly 150 MiB together',
      input: { document: file('acte.pdf', pdf(), 100 * MIB), annexes: [file('plan.pdf', pdf(), 50 * MIB)] },
    },
    { rule: 'a PDF whose text mentions /Encrypt', input: { document: file('acte.pdf', pdf(undefined, '2 0 obj\n<< /Length 20 >>\nstream\n(/Encrypt 4 0 R) Tj\nendstream\nendobj\n')) } },
    { rule: 'a PDF whose trailer has /EncryptMetadata only', input: { document: file('acte.pdf', pdf('/Size 2 /Root 1 0 R /EncryptMetadata false')) } },
    { rule: 'an unencrypted PDF with a cross-reference stream', input: { document: file('acte.pdf', xrefStreamPdf('/ID [<01><01>] ')) } },
    { rule: 'a PDF with bytes after %%EOF', input: { document: file('acte.pdf', text(`${new TextDecoder().decode(pdf())}\n\n  \n`)) } },
    { rule: 'a file name with accents, spaces and a colon', input: { document: file('Délibération n° 42 : règlement.pdf', pdf()) } },
    { rule: 'an encrypted PDF when the rules accept them', input: { document: file('acte.pdf', pdf('/Size 2 /Root 1 0 R /Encrypt 4 0 R')) }, rules: { allowEncryptedPdf: true } },
    { rule: 'any piece type of the right shape without a classification', metadata: { ...metadata, typePJ: '99_BU' }, context: { classification: undefined } },
    { rule: 'any well-formed matière without a classification', metadata: { ...metadata, classification: '9.9' }, context: { classification: undefined } },
    {
      rule: 'any piece type of the right shape with a classification listing none (before Actes V2)',
      metadata: { ...metadata, typePJ: '99_BU' },
      context: { classification: { version: '2015-01-01', codes: classification.codes } },
    },
    { rule: 'an imported archive with its files named after the acte', input: imported },
    {
      rule: 'an imported archive whose files carry no piece type prefix',
      input: { ...imported, document: file('021-212102313-20261120-DEL2026_042-DE-1-1_1.pdf', pdf()), annexes: [] },
    },
  ];

  it.each(cases)('accepts $rule', (row) => {
    expect(errorsOf(run(row))).toEqual([]);
    expect(run(row).ok).toBe(true);
  });
});

interface InvalidCase extends Case {
  readonly code: ActeErrorCode;
  /** The field the error names; undefined only for the total size. */
  readonly field: string | undefined;
}

const C = ActeErrorCode;

describe('the acte rules: each invalid acte with its code and field', () => {
  const cases: InvalidCase[] = [
    // Numéro interne (§1.4, API.md)
    { rule: 'a numéro interne in lower case', metadata: { ...metadata, numeroInterne: 'del2026_042' }, code: C.NumeroInterneInvalid, field: 'numeroInterne' },
    { rule: 'a numéro interne of 16 characters', metadata: { ...metadata, numeroInterne: 'A'.repeat(16) }, code: C.NumeroInterneInvalid, field: 'numeroInterne' },
    { rule: 'a numéro interne starting with _', metadata: { ...metadata, numeroInterne: '_DEL42' }, code: C.NumeroInterneInvalid, field: 'numeroInterne' },
    { rule: 'a numéro interne ending with _', metadata: { ...metadata, numeroInterne: 'DEL42_' }, code: C.NumeroInterneInvalid, field: 'numeroInterne' },
    { rule: 'a numéro interne with a dash', metadata: { ...metadata, numeroInterne: 'DEL-42' }, code: C.NumeroInterneInvalid, field: 'numeroInterne' },
    { rule: 'an empty numéro interne', metadata: { ...metadata, numeroInterne: '' }, code: C.NumeroInterneInvalid, field: 'numeroInterne' },
    { rule: 'a numéro interne that is a number', metadata: loose({ numeroInterne: 42 }), code: C.NumeroInterneInvalid, field: 'numeroInterne' },
    { rule: 'a numéro interne the collectivité already used', metadata: { ...metadata, numeroInterne: 'DEL2026_041' }, code: C.NumeroInterneDuplicate, field: 'numeroInterne' },
    {
      rule: 'a numéro interne another transmission holds',
      context: { existingNumerosInternes: (numero: string) => numero === 'DEL2026_042' },
      code: C.NumeroInterneDuplicate,
      field: 'numeroInterne',
    },
    // Date of decision
    { rule: 'a date that does not exist', metadata: { ...metadata, dateDecision: '2026-02-30' }, code: C.DateInvalid, field: 'dateDecision' },
    { rule: '29 February in a common year', metadata: { ...metadata, dateDecision: '2026-02-29' }, code: C.DateInvalid, field: 'dateDecision' },
    { rule: 'a date in French order', metadata: { ...metadata, dateDecision: '20/11/2026' }, code: C.DateInvalid, field: 'dateDecision' },
    { rule: 'a date with a time', metadata: { ...metadata, dateDecision: '2026-11-20T10:00:00Z' }, code: C.DateInvalid, field: 'dateDecision' },
    { rule: 'a date that is null', metadata: loose({ dateDecision: null }), code: C.DateInvalid, field: 'dateDecision' },
    { rule: 'a decision of tomorrow', metadata: { ...metadata, dateDecision: '2026-11-29' }, code: C.DateInFuture, field: 'dateDecision' },
    // Nature (§1.5)
    { rule: 'nature 7', metadata: { ...metadata, nature: 7 }, code: C.NatureInvalid, field: 'nature' },
    { rule: 'nature 0', metadata: { ...metadata, nature: 0 }, code: C.NatureInvalid, field: 'nature' },
    { rule: 'nature 1.5', metadata: { ...metadata, nature: 1.5 }, code: C.NatureInvalid, field: 'nature' },
    { rule: 'nature "1" as text', metadata: { ...metadata, nature: '1' }, code: C.NatureInvalid, field: 'nature' },
    { rule: 'nature in lower case', metadata: { ...metadata, nature: 'de' }, code: C.NatureInvalid, field: 'nature' },
    { rule: 'nature "constructor"', metadata: { ...metadata, nature: 'constructor' }, code: C.NatureInvalid, field: 'nature' },
    { rule: 'a nature that is a list', metadata: loose({ nature: ['DE'] }), code: C.NatureInvalid, field: 'nature' },
    // Classification (§1.4, §1.6)
    { rule: 'a classification of one level', metadata: { ...metadata, classification: '5' }, code: C.ClassificationInvalid, field: 'classification' },
    { rule: 'a classification of six levels', metadata: { ...metadata, classification: '7.1.2.1.1.1' }, code: C.ClassificationInvalid, field: 'classification' },
    { rule: 'a classification with a letter', metadata: { ...metadata, classification: '7.a' }, code: C.ClassificationInvalid, field: 'classification' },
    { rule: 'a classification ending with a dot', metadata: { ...metadata, classification: '7.1.' }, code: C.ClassificationInvalid, field: 'classification' },
    { rule: 'a classification that is a number', metadata: loose({ classification: 7.1 }), code: C.ClassificationInvalid, field: 'classification' },
    { rule: 'a matière the collectivité does not have', metadata: { ...metadata, classification: '7.9' }, code: C.ClassificationUnknown, field: 'classification' },
    { rule: 'a level 3 under a level 2 that has none', metadata: { ...metadata, classification: '5.2.1' }, code: C.ClassificationUnknown, field: 'classification' },
    // Objet
    { rule: 'an empty objet', metadata: { ...metadata, objet: '' }, code: C.ObjetEmpty, field: 'objet' },
    { rule: 'an objet of blanks', metadata: { ...metadata, objet: ' \t ' }, code: C.ObjetEmpty, field: 'objet' },
    { rule: 'an objet missing', metadata: loose({ objet: undefined }), code: C.ObjetEmpty, field: 'objet' },
    { rule: 'an objet of 500 characters', metadata: { ...metadata, objet: 'x'.repeat(500) }, code: C.ObjetTooLong, field: 'objet' },
    { rule: 'an objet on two lines', metadata: { ...metadata, objet: 'Budget\r\nprimitif' }, code: C.ObjetLineBreak, field: 'objet' },
    { rule: 'an objet with a control character', metadata: { ...metadata, objet: 'Budget\u0007primitif' }, code: C.ObjetInvalidCharacter, field: 'objet' },
    { rule: 'an objet with a NUL', metadata: { ...metadata, objet: 'Budget\u0000' }, code: C.ObjetInvalidCharacter, field: 'objet' },
    { rule: 'an objet with a curly apostrophe', metadata: { ...metadata, objet: 'Budget de l\u2019année' }, code: C.ObjetNotLatin1, field: 'objet' },
    { rule: 'an objet with an emoji', metadata: { ...metadata, objet: 'Fête 🎉' }, code: C.ObjetNotLatin1, field: 'objet' },
    // DocumentPapier
    { rule: 'documentPapier as "O"', metadata: loose({ documentPapier: 'O' }), code: C.DocumentPapierInvalid, field: 'documentPapier' },
    { rule: 'documentPapier as 1', metadata: loose({ documentPapier: 1 }), code: C.DocumentPapierInvalid, field: 'documentPapier' },
    { rule: 'documentPapier null', metadata: loose({ documentPapier: null }), code: C.DocumentPapierInvalid, field: 'documentPapier' },
    // Piece types (CodeTypePJ, 7-2 TypePJNatureActe)
    { rule: 'a piece type of the wrong shape', metadata: { ...metadata, typePJ: '99-DE' }, code: C.TypePJInvalid, field: 'typePJ' },
    { rule: 'a piece type in lower case', metadata: { ...metadata, typePJ: '99_de' }, code: C.TypePJInvalid, field: 'typePJ' },
    { rule: 'a piece type that is a number', metadata: loose({ typePJ: 99 }), code: C.TypePJInvalid, field: 'typePJ' },
    { rule: "a piece type of another nature (a budget's on a délibération)", metadata: { ...metadata, typePJ: '99_BU' }, code: C.TypePJNotAllowed, field: 'typePJ' },
    { rule: 'a piece type no nature has', metadata: { ...metadata, typePJ: '00_ZZ' }, code: C.TypePJNotAllowed, field: 'typePJ' },
    { rule: "the generic piece type of a nature the classification lists none for", metadata: { ...metadata, nature: 'AR' }, code: C.TypePJNotAllowed, field: 'typePJ' },
    {
      rule: "an annexe's piece type of another nature",
      metadata: { ...metadata, annexesTypePJ: ['11_AC'] },
      input: { annexes: [file('a.pdf', pdf())] },
      code: C.TypePJNotAllowed,
      field: 'annexesTypePJ[0]',
    },
    {
      rule: "an annexe's piece type of the wrong shape",
      metadata: { ...metadata, annexesTypePJ: ['99_SE', 'SE'] },
      input: { annexes: [file('a.pdf', pdf()), file('b.pdf', pdf())] },
      code: C.TypePJInvalid,
      field: 'annexesTypePJ[1]',
    },
    {
      rule: 'more annexe piece types than annexes',
      metadata: { ...metadata, annexesTypePJ: ['99_SE', '99_SE'] },
      input: { annexes: [file('a.pdf', pdf())] },
      code: C.AnnexesTypePJMismatch,
      field: 'annexesTypePJ',
    },
    {
      rule: 'fewer annexe piece types than annexes',
      metadata: { ...metadata, annexesTypePJ: [] },
      input: { annexes: [file('a.pdf', pdf())] },
      code: C.AnnexesTypePJMismatch,
      field: 'annexesTypePJ',
    },
    { rule: 'annexe piece types that are not a list', metadata: loose({ annexesTypePJ: '99_SE' }), code: C.AnnexesTypePJMismatch, field: 'annexesTypePJ' },
    // Main document (§1.8)
    { rule: 'no document', input: { document: undefined }, code: C.DocumentMissing, field: 'document' },
    { rule: 'an empty document', input: { document: file('acte.pdf', new Uint8Array(0)) }, code: C.DocumentMissing, field: 'document' },
    { rule: 'a PNG named .pdf', input: { document: file('acte.pdf', png) }, code: C.DocumentNotPdf, field: 'document' },
    { rule: 'a JPEG document', input: { document: file('scan.jpg', jpeg) }, code: C.DocumentNotPdf, field: 'document' },
    { rule: 'a Word document', input: { document: file('acte.docx', zip) }, code: C.DocumentNotPdf, field: 'document' },
    { rule: 'a text file named .pdf', input: { document: file('acte.pdf', text('Ceci est un acte, promis.\n')) }, code: C.DocumentNotPdf, field: 'document' },
    { rule: 'a document of zero bytes read but a size', input: { document: file('acte.pdf', new Uint8Array(0), 1234) }, code: C.DocumentNotPdf, field: 'document' },
    { rule: 'a PDF cut short (no %%EOF)', input: { document: file('acte.pdf', pdf().subarray(0, -12)) }, code: C.DocumentTruncated, field: 'document' },
    { rule: 'a PDF header alone', input: { document: file('acte.pdf', text('%PDF-1.7\n')) }, code: C.DocumentTruncated, field: 'document' },
    { rule: 'an encrypted PDF (/Encrypt in its trailer)', input: { document: file('acte.pdf', pdf('/Size 2 /Root 1 0 R /Encrypt 4 0 R /ID [<01><02>]')) }, code: C.DocumentEncrypted, field: 'document' },
    { rule: 'an encrypted PDF whose trailer names /Encrypt first', input: { document: file('acte.pdf', pdf('/Encrypt<</Filter/Standard/V 5>>/Root 1 0 R')) }, code: C.DocumentEncrypted, field: 'document' },
    { rule: 'an encrypted PDF with a cross-reference stream', input: { document: file('acte.pdf', xrefStreamPdf('/Encrypt 5 0 R ')) }, code: C.DocumentEncrypted, field: 'document' },
    { rule: 'an encrypted linearized PDF (its first-page trailer)', input: { document: file('acte.pdf', linearizedEncrypted) }, code: C.DocumentEncrypted, field: 'document' },
    { rule: 'an XML document for a délibération', input: { document: file('acte.xml', xml) }, code: C.DocumentFormatNotAllowed, field: 'document' },
    {
      rule: 'an XML budget classified 7.2',
      metadata: { ...metadata, nature: 'BF', classification: '7.2' },
      input: { document: file('budget.xml', xml) },
      code: C.DocumentFormatNotAllowed,
      field: 'document',
    },
    { rule: 'an XML document of nature 4 classified 7.1', metadata: { ...metadata, nature: 'CC', classification: '7.1' }, input: { document: file('c.xml', xml) }, code: C.DocumentFormatNotAllowed, field: 'document' },
    // Annexes (§1.8)
    { rule: 'a text annexe', input: { annexes: [file('notes.pdf', text('notes'))] }, code: C.AnnexeFormatInvalid, field: 'annexes[0]' },
    { rule: 'a GIF annexe', input: { annexes: [file('a.pdf', pdf()), file('plan.gif', gif)] }, code: C.AnnexeFormatInvalid, field: 'annexes[1]' },
    { rule: 'an Office annexe', input: { annexes: [file('tableau.xlsx', zip)] }, code: C.AnnexeFormatInvalid, field: 'annexes[0]' },
    {
      rule: 'a PNG annexe to an XML budget',
      metadata: { ...metadata, nature: 'BF', classification: '7.1' },
      input: { document: file('budget.xml', xml), annexes: [file('plan.png', png)] },
      code: C.AnnexeFormatNotAllowed,
      field: 'annexes[0]',
    },
    { rule: 'an annexe PDF cut short', input: { annexes: [file('a.pdf', pdf().subarray(0, -8))] }, code: C.AnnexeTruncated, field: 'annexes[0]' },
    { rule: 'an encrypted annexe PDF', input: { annexes: [file('a.pdf', pdf('/Root 1 0 R /Encrypt 9 0 R'))] }, code: C.AnnexeEncrypted, field: 'annexes[0]' },
    // File names
    { rule: 'a document name with ..', input: { document: file('../acte.pdf', pdf()) }, code: C.FileNameInvalid, field: 'document' },
    { rule: 'a document name with a directory', input: { document: file('dossier/acte.pdf', pdf()) }, code: C.FileNameInvalid, field: 'document' },
    { rule: 'an absolute document name', input: { document: file('/etc/acte.pdf', pdf()) }, code: C.FileNameInvalid, field: 'document' },
    { rule: 'a Windows path', input: { document: file('C:\\Users\\mairie\\acte.pdf', pdf()) }, code: C.FileNameInvalid, field: 'document' },
    { rule: 'a drive-relative name', input: { document: file('C:acte.pdf', pdf()) }, code: C.FileNameInvalid, field: 'document' },
    { rule: 'a name with a NUL', input: { document: file('acte.pdf\u0000.txt', pdf()) }, code: C.FileNameInvalid, field: 'document' },
    { rule: 'a name with a line break', input: { document: file('acte\n.pdf', pdf()) }, code: C.FileNameInvalid, field: 'document' },
    { rule: 'a name with DEL', input: { document: file('acte\u007f.pdf', pdf()) }, code: C.FileNameInvalid, field: 'document' },
    { rule: 'a name with a right-to-left override', input: { document: file('acte\u202Efdp.exe', pdf()) }, code: C.FileNameInvalid, field: 'document' },
    { rule: 'a name with half a surrogate pair', input: { document: file('acte\ud800.pdf', pdf()) }, code: C.FileNameInvalid, field: 'document' },
    { rule: 'an empty name', input: { document: file('', pdf()) }, code: C.FileNameInvalid, field: 'document' },
    { rule: 'a blank name', input: { document: file('   ', pdf()) }, code: C.FileNameInvalid, field: 'document' },
    { rule: 'the name .', input: { document: file('.', pdf()) }, code: C.FileNameInvalid, field: 'document' },
    { rule: 'a name of 256 characters', input: { document: file(`${'a'.repeat(252)}.pdf`, pdf()) }, code: C.FileNameInvalid, field: 'document' },
    { rule: 'an annexe name with a path', input: { annexes: [file('a.pdf', pdf()), file('..\\..\\plan.png', png)] }, code: C.FileNameInvalid, field: 'annexes[1]' },
    // Archive limit (§1.8)
    {
      rule: 'document and annexes one byte over 150 MiB together',
      input: { document: file('acte.pdf', pdf(), 100 * MIB), annexes: [file('plan.pdf', pdf(), 50 * MIB + 1)] },
      code: C.ArchiveTooLarge,
      field: undefined,
    },
    { rule: 'a document alone over 150 MiB', input: { document: file('acte.pdf', pdf(), 151 * MIB) }, code: C.ArchiveTooLarge, field: undefined },
    { rule: 'a negative size that would hide a large annexe', input: { document: file('acte.pdf', pdf(), -100 * MIB), annexes: [file('a.pdf', pdf(), 200 * MIB)] }, code: C.ArchiveTooLarge, field: undefined },
    // Imported archive (§1.7)
    { rule: 'an archive not named TRI-EACT--SIREN--YYYYMMDD-N.tar.gz', input: { ...imported, archive: { name: 'actes.tar.gz' } }, code: C.ArchiveNameInvalid, field: 'archive' },
    { rule: 'an archive name with a path', input: { ...imported, archive: { name: '../SLO-EACT--212102313--20261121-7.tar.gz' } }, code: C.ArchiveNameInvalid, field: 'archive' },
    { rule: 'an archive file with a free name', input: { ...imported, document: file('deliberation.pdf', pdf()) }, code: C.ArchiveFileNameInvalid, field: 'document' },
    {
      rule: "an archive file named after another acte's numéro",
      input: { ...imported, annexes: [file('99_SE-021-212102313-20261120-DEL2026_043-DE-1-1_2.pdf', pdf())] },
      code: C.ArchiveFileNameInvalid,
      field: 'annexes[0]',
    },
    {
      rule: 'an archive file named after another date',
      input: { ...imported, document: file('99_DE-021-212102313-20261119-DEL2026_042-DE-1-1_1.pdf', pdf()) },
      code: C.ArchiveFileNameInvalid,
      field: 'document',
    },
    {
      rule: 'an archive file named after another nature',
      input: { ...imported, document: file('99_DE-021-212102313-20261120-DEL2026_042-AR-1-1_1.pdf', pdf()) },
      code: C.ArchiveFileNameInvalid,
      field: 'document',
    },
    {
      rule: 'an archive file of another message type (2-2)',
      input: { ...imported, document: file('99_DE-021-212102313-20261120-DEL2026_042-DE-2-2_1.pdf', pdf()) },
      code: C.ArchiveFileNameInvalid,
      field: 'document',
    },
    // The configurable rules (ActesRules)
    { rule: 'over a lower archive ceiling', rules: { maxArchiveBytes: 1000 }, input: { document: file('acte.pdf', pdf(), 1001) }, code: C.ArchiveTooLarge, field: undefined },
    { rule: 'over a shorter objet', rules: { objetMaxLength: 10 }, metadata: { ...metadata, objet: 'x'.repeat(11) }, code: C.ObjetTooLong, field: 'objet' },
    { rule: 'a numéro interne the XSD form refuses', rules: { numeroInternePattern: /^[A-Za-z0-9_]{1,15}$/ }, metadata: { ...metadata, numeroInterne: 'DEL 42' }, code: C.NumeroInterneInvalid, field: 'numeroInterne' },
    { rule: 'a piece type outside a stricter pattern', rules: { typePJPattern: /^99_[A-Z]{2}$/ }, metadata: { ...metadata, typePJ: '23_DE' }, code: C.TypePJInvalid, field: 'typePJ' },
    { rule: 'a PNG annexe when only PDF annexes are accepted', rules: { annexeFormats: ['pdf'] }, input: { annexes: [file('plan.png', png)] }, code: C.AnnexeFormatInvalid, field: 'annexes[0]' },
    { rule: 'a name over a shorter limit', rules: { maxFileNameLength: 8 }, input: { document: file('acte-42.pdf', pdf()) }, code: C.FileNameInvalid, field: 'document' },
  ];

  it.each(cases)('refuses $rule: $code on $field', (row) => {
    const result = run(row);
    expect(errorsOf(result)).toEqual([[row.code, row.field]]);
    expect(!result.ok && result.errors[0]?.message).toMatch(/\S/);
  });

  it('has a row for every code validateActe reports', () => {
    const covered = new Set(cases.map((row) => row.code));
    expect(Object.values(ActeErrorCode).filter((code) => !covered.has(code))).toEqual([]);
  });

  it('accepts a decision after today when the rules allow it', () => {
    expect(run({ rule: 'a decision after today', rules: { allowFutureDecisionDate: true }, metadata: { ...metadata, dateDecision: '2027-01-01' } }).ok).toBe(true);
  });
});

/** A fixed-seed generator (mulberry32): the same "random" bytes on every run. */
function randomBytes(seed: number, length: number): Uint8Array {
  let state = seed;
  return Uint8Array.from({ length }, () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) & 0xff;
  });
}

describe('the acte rules on hostile input', () => {
  const nullPrototype = Object.create(null) as object;
  const throwing = {
    toString(): string {
      throw new Error('toString');
    },
    toJSON(): never {
      throw new Error('toJSON');
    },
  };
  const hostileValues: readonly unknown[] = [null, undefined, 42, -1, NaN, true, [], ['x'], {}, nullPrototype, throwing, 'x'.repeat(1_000_000), '\u0000', '\ud800', '__proto__'];
  const fields = ['numeroInterne', 'dateDecision', 'nature', 'classification', 'objet', 'documentPapier', 'typePJ', 'annexesTypePJ'] as const;
  const hostileMetadata = fields.flatMap((field) => hostileValues.map((value, i) => ({ field, i, metadata: loose({ [field]: value }) })));

  it.each(hostileMetadata)('reports, never throws on, hostile value #$i of $field', ({ metadata: given }) => {
    const result = validateActe({ ...valid, metadata: given, annexes: [file('a.pdf', pdf())] }, context);
    for (const error of result.ok ? [] : result.errors) {
      expect(Object.values(ActeErrorCode)).toContain(error.code);
      expect(typeof error.message).toBe('string');
    }
  });

  const hostileFiles: readonly { readonly what: string; readonly content: Uint8Array }[] = [
    { what: 'random bytes', content: randomBytes(1, 200_000) },
    { what: 'random bytes behind a PDF header', content: Uint8Array.from([...text('%PDF-1.7\n'), ...randomBytes(2, 200_000)]) },
    { what: 'a PDF header then only keywords', content: text(`%PDF-1.7\n${'trailer obj stream /Encrypt /XRef endobj '.repeat(20_000)}`) },
    { what: 'a PDF with a trailer never closed', content: text(`%PDF-1.7\ntrailer\n<< ${'<< '.repeat(30_000)}`) },
    { what: 'a PNG signature cut after its first byte', content: bytes(0x89) },
    { what: 'a byte order mark alone', content: bytes(0xef, 0xbb, 0xbf) },
    { what: 'NULs', content: new Uint8Array(5000) },
  ];

  it.each(hostileFiles)('refuses, never crashes on, $what as document and annexe', ({ content }) => {
    const result = validateActe({ ...valid, document: file('acte.pdf', content), annexes: [file('annexe.pdf', content)] }, context);
    expect(result.ok).toBe(false);
    expect(errorsOf(result).map(([, field]) => field).sort()).toEqual(['annexes[0]', 'document']);
  });

  it('reports names that are not text', () => {
    const nameless = { ...file('x.pdf', pdf()), name: 42 as unknown as string };
    const result = validateActe({ ...valid, document: nameless, annexes: [{ ...nameless }], archive: { name: null as unknown as string } }, context);
    expect(errorsOf(result)).toEqual([
      [C.FileNameInvalid, 'document'],
      [C.FileNameInvalid, 'annexes[0]'],
      [C.ArchiveNameInvalid, 'archive'],
      [C.ArchiveFileNameInvalid, 'document'],
      [C.ArchiveFileNameInvalid, 'annexes[0]'],
    ]);
  });

  it('shows no control character of a refused name in its message', () => {
    const result = validateActe({ ...valid, document: file('acte\u0000\u001b[31m.pdf', pdf()) }, context);
    expect(!result.ok && result.errors[0]?.message).toContain('acte??[31m.pdf');
  });
});
