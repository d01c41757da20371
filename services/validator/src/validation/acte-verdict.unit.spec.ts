import { describe, expect, it } from '@jest/globals';
import type { ActeFileInput, ActesClassification } from '@relais/actes';
import type { ActeSubmission } from '@relais/domain';
import { acte } from '@relais/domain/testing';
import { acteErrors, parisDateOf, type VerdictInput } from './acte-verdict.js';

const classification: ActesClassification = { version: '2019-03-01', codes: new Set(['7', '7.1', '7.1.2', '1', '1.1']) };

function pdf(size = 182_044): ActeFileInput {
  return { name: 'budget.pdf', size, head: Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n', 'latin1'), tail: Buffer.from('\nstartxref\n1234\n%%EOF\n') };
}

function input(submission: Partial<ActeSubmission> = {}, overrides: Partial<VerdictInput> = {}): VerdictInput {
  return {
    submission: { ...acte, ...submission },
    files: { document: pdf(), annexes: [] },
    receivedAt: '2026-01-05T09:00:00.000Z',
    numeroTakenByOther: false,
    classification,
    ...overrides,
  };
}

const codes = (verdict: VerdictInput): string[] => acteErrors(verdict).map((error) => error.code);

describe('the verdict on a received acte', () => {
  it('finds nothing wrong with a well-formed acte in a PDF', () => {
    expect(acteErrors(input())).toEqual([]);
  });

  it('refuses a numéro interne of the wrong shape, or one another transmission holds', () => {
    expect(codes(input({ numeroInterne: 'del-2026' }))).toEqual(['ACTE.NUMERO_INTERNE_INVALID']);
    expect(codes(input({ numeroInterne: '_A' }))).toEqual(['ACTE.NUMERO_INTERNE_INVALID']);
    expect(codes(input({ numeroInterne: 'A'.repeat(16) }))).toEqual(['ACTE.NUMERO_INTERNE_INVALID']);
    expect(acteErrors(input({}, { numeroTakenByOther: true }))).toEqual([
      expect.objectContaining({ code: 'ACTE.NUMERO_INTERNE_DUPLICATE', field: 'numeroInterne' }),
    ]);
  });

  it('takes "today" as the Paris date of receipt, not the UTC one', () => {
    expect(parisDateOf('2026-01-04T23:30:00.000Z')).toBe('2026-01-05');
    expect(parisDateOf('2026-07-04T21:59:00.000Z')).toBe('2026-07-04');
    // Received at 00:30 in Paris on the 5th: a decision of the 5th is not in the future.
    expect(codes(input({ dateDecision: '2026-01-05' }, { receivedAt: '2026-01-04T23:30:00.000Z' }))).toEqual([]);
    expect(codes(input({ dateDecision: '2026-01-06' }, { receivedAt: '2026-01-04T23:30:00.000Z' }))).toEqual(['ACTE.DATE_IN_FUTURE']);
    expect(codes(input({ dateDecision: '2026-02-30' }))).toEqual(['ACTE.DATE_INVALID']);
  });

  it('refuses a classification of the wrong shape, and one the collectivité does not have', () => {
    expect(codes(input({ classification: '7' }))).toEqual(['ACTE.CLASSIFICATION_INVALID']);
    expect(codes(input({ classification: '7.1.2.1.1.1' }))).toEqual(['ACTE.CLASSIFICATION_INVALID']);
    expect(codes(input({ classification: '7.1.2' }))).toEqual([]);
    expect(acteErrors(input({ classification: '7.9' }))).toEqual([
      expect.objectContaining({ code: 'ACTE.CLASSIFICATION_UNKNOWN', field: 'classification', message: expect.stringContaining('2019-03-01') }),
    ]);
  });

  it('refuses an objet that is empty, too long, or on several lines', () => {
    expect(codes(input({ objet: 'é'.repeat(499) }))).toEqual([]);
    expect(codes(input({ objet: 'x'.repeat(600) }))).toEqual(['ACTE.OBJET_TOO_LONG']);
    expect(codes(input({ objet: '  ' }))).toEqual(['ACTE.OBJET_EMPTY']);
    expect(codes(input({ objet: 'Budget\nprimitif' }))).toEqual(['ACTE.OBJET_LINE_BREAK']);
  });

  it('judges the document by its bytes: a text file named .pdf, a truncated PDF, a missing one', () => {
    const text: ActeFileInput = { name: 'budget.pdf', size: 12, head: Buffer.from('Hello world\n') };
    expect(codes(input({}, { files: { document: text, annexes: [] } }))).toEqual(['ACTE.DOCUMENT_NOT_PDF']);
    const truncated: ActeFileInput = { ...pdf(), tail: Buffer.from('0000012345 00000 n \n') };
    expect(codes(input({}, { files: { document: truncated, annexes: [] } }))).toEqual(['ACTE.DOCUMENT_TRUNCATED']);
    expect(codes(input({}, { files: { document: undefined, annexes: [] } }))).toEqual(['ACTE.DOCUMENT_MISSING']);
  });

  it('refuses document and annexes weighing more than 150 MiB together', () => {
    const half = 75 * 1024 * 1024;
    const annexe = { ...pdf(half), name: 'annexe.pdf' };
    const files = { document: pdf(half), annexes: [annexe] };
    const withAnnexe = { annexes: [{ file: { ...acte.document, name: 'annexe.pdf', size: half } }] };
    expect(codes(input(withAnnexe, { files }))).toEqual([]);
    expect(codes(input(withAnnexe, { files: { ...files, document: pdf(half + 1) } }))).toEqual(['ACTE.ARCHIVE_TOO_LARGE']);
  });

  it("checks the annexes' piece types, the missing ones taking the nature's generic type", () => {
    const annexeFile = { ...acte.document, name: 'annexe.pdf' };
    const files = { document: pdf(), annexes: [pdf(), pdf()] };
    const annexes = [{ file: annexeFile, typePJ: '22_AG' }, { file: annexeFile }];
    expect(codes(input({ annexes }, { files }))).toEqual([]);
    const wrong = [{ file: annexeFile, typePJ: 'AG' }, { file: annexeFile }];
    expect(acteErrors(input({ annexes: wrong }, { files }))).toEqual([
      expect.objectContaining({ code: 'ACTE.TYPE_PJ_INVALID', field: 'annexesTypePJ[0]' }),
    ]);
  });

  it("checks the piece types against those the collectivité's classification allows for the nature", () => {
    const withTypes: ActesClassification = {
      ...classification,
      natures: new Map([
        ['DE', new Set(['99_DE', '22_AG'])],
        ['BF', new Set(['99_BU'])],
      ]),
    };
    const annexeFile = { ...acte.document, name: 'annexe.pdf' };
    const files = { document: pdf(), annexes: [pdf(), pdf()] };
    const annexes = [{ file: annexeFile, typePJ: '22_AG' }, { file: annexeFile }];
    expect(codes(input({ annexes }, { files, classification: withTypes }))).toEqual([]);
    expect(acteErrors(input({ typePJ: '99_BU', annexes: [{ file: annexeFile, typePJ: '41_NC' }, { file: annexeFile }] }, { files, classification: withTypes }))).toEqual([
      expect.objectContaining({ code: 'ACTE.TYPE_PJ_NOT_ALLOWED', field: 'typePJ', message: expect.stringContaining('2019-03-01') }),
      expect.objectContaining({ code: 'ACTE.TYPE_PJ_NOT_ALLOWED', field: 'annexesTypePJ[0]' }),
    ]);
    // A nature the classification does not list allows nothing, not even its generic type.
    expect(acteErrors(input({ nature: 'AU' }, { classification: withTypes }))).toEqual([
      expect.objectContaining({ code: 'ACTE.TYPE_PJ_NOT_ALLOWED', field: 'typePJ', message: expect.stringContaining('99_AU') }),
    ]);
  });

  it('lists every broken rule at once, in a stable order', () => {
    const verdict = input({ numeroInterne: 'x', objet: 'x'.repeat(600), classification: '7.9' }, { files: { document: undefined, annexes: [] } });
    expect(codes(verdict)).toEqual(['ACTE.NUMERO_INTERNE_INVALID', 'ACTE.CLASSIFICATION_UNKNOWN', 'ACTE.OBJET_TOO_LONG', 'ACTE.DOCUMENT_MISSING']);
    expect(acteErrors(verdict)).toEqual(acteErrors(verdict));
  });
});
