import { describe, expect, it } from '@jest/globals';

import { validateActe } from './acte.validate.js';
import { DEFAULT_ACTES_RULES } from './acte-validation.rules.js';
import type { ActeMetadataInput, ActeValidationContext, ActeValidationResult } from './acte-validation.types.js';

const pdf = new TextEncoder().encode('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\nstartxref\n9\n%%EOF\n');
const document = { name: 'deliberation.pdf', size: pdf.length, head: pdf, tail: pdf };
const metadata: ActeMetadataInput = {
  numeroInterne: 'DEL2026_001',
  dateDecision: '2026-01-15',
  nature: 'DE',
  classification: '7.1',
  objet: 'Vote du budget primitif 2026',
};
const context: ActeValidationContext = {
  today: '2026-11-28',
  existingNumerosInternes: new Set(['DEL2026_000']),
  rules: DEFAULT_ACTES_RULES,
};

const validate = (changes: Partial<ActeMetadataInput>, ctx: Partial<ActeValidationContext> = {}): ActeValidationResult =>
  validateActe({ metadata: { ...metadata, ...changes }, document, annexes: [] }, { ...context, ...ctx });

/** The `code field` pairs of the errors, or `[]` when the acte passed. */
const errorsOf = (result: ActeValidationResult): string[] =>
  result.ok ? [] : result.errors.map((error) => `${error.code} ${error.field ?? ''}`.trim());

describe('numéro interne', () => {
  it.each(['1', 'A', 'DEL2026_001', 'ABCDEFGHIJKLMN5', 'A_B', '2026'])('accepts %s', (numeroInterne) => {
    expect(errorsOf(validate({ numeroInterne }))).toEqual([]);
  });

  it.each(['', 'ABCDEFGHIJKLMNO6', '_DEL1', 'DEL1_', '_', 'del2026_001', 'DEL-2026', 'DEL 2026', 'DÉL2026'])(
    'refuses %j',
    (numeroInterne) => {
      expect(errorsOf(validate({ numeroInterne }))).toEqual(['ACTE.NUMERO_INTERNE_INVALID numeroInterne']);
    },
  );

  it('refuses a number the collectivité already used, from a set or a predicate', () => {
    expect(errorsOf(validate({ numeroInterne: 'DEL2026_000' }))).toEqual(['ACTE.NUMERO_INTERNE_DUPLICATE numeroInterne']);
    const used = (numero: string): boolean => numero === 'DEL2026_001';
    expect(errorsOf(validate({}, { existingNumerosInternes: used }))).toEqual([
      'ACTE.NUMERO_INTERNE_DUPLICATE numeroInterne',
    ]);
  });
});

describe('date de décision', () => {
  it.each(['2024-02-29', '2000-02-29', '2026-12-31', '2026-11-28'])('accepts %s', (dateDecision) => {
    expect(errorsOf(validate({ dateDecision }, { today: '2027-01-01' }))).toEqual([]);
  });

  it.each(['2026-02-29', '1900-02-29', '2026-02-30', '2026-04-31', '2026-13-01', '2026-00-10', '2026-01-00', '0000-01-01', '2026-1-5', '15/01/2026', '2026-01-15T10:00:00Z', ''])(
    'refuses %j, not a calendar date',
    (dateDecision) => {
      expect(errorsOf(validate({ dateDecision }))).toEqual(['ACTE.DATE_INVALID dateDecision']);
    },
  );

  it("accepts today's date and refuses tomorrow's", () => {
    expect(errorsOf(validate({ dateDecision: '2026-11-28' }))).toEqual([]);
    expect(errorsOf(validate({ dateDecision: '2026-11-29' }))).toEqual(['ACTE.DATE_IN_FUTURE dateDecision']);
  });

  it('accepts a future date when the rules allow it', () => {
    const rules = { ...DEFAULT_ACTES_RULES, allowFutureDecisionDate: true };
    expect(errorsOf(validate({ dateDecision: '2027-03-01' }, { rules }))).toEqual([]);
  });
});

describe('nature and classification', () => {
  it.each([1, 6, 'DE', 'AU'])('accepts the nature %j', (nature) => {
    expect(errorsOf(validate({ nature }))).toEqual([]);
  });

  it.each([0, 7, 1.5, '1', 'de', 'XX'])('refuses the nature %j', (nature) => {
    expect(errorsOf(validate({ nature }))).toEqual(['ACTE.NATURE_INVALID nature']);
  });

  it.each(['7.1', '1.1.2', '9.4.1.2.3', '07.01'])('accepts the classification %s', (classification) => {
    expect(errorsOf(validate({ classification }))).toEqual([]);
  });

  it.each(['7', '1.1.1.1.1.1', '7.', '.1', '7..1', '7-1', 'a.b', ' 7.1', '7.1 ', ''])(
    'refuses the classification %j',
    (classification) => {
      expect(errorsOf(validate({ classification }))).toEqual(['ACTE.CLASSIFICATION_INVALID classification']);
    },
  );
});

describe('objet', () => {
  it('accepts 499 characters, counting « é » as one, and refuses 500', () => {
    expect(errorsOf(validate({ objet: 'é'.repeat(499) }))).toEqual([]);
    expect(errorsOf(validate({ objet: 'a'.repeat(500) }))).toEqual(['ACTE.OBJET_TOO_LONG objet']);
  });

  it('refuses an empty or blank objet', () => {
    expect(errorsOf(validate({ objet: '' }))).toEqual(['ACTE.OBJET_EMPTY objet']);
    expect(errorsOf(validate({ objet: '   ' }))).toEqual(['ACTE.OBJET_EMPTY objet']);
  });

  it.each(['Budget\n2026', 'Budget\r\n2026', 'Budget\r2026', 'Budget\u20282026'])('refuses the line break in %j', (objet) => {
    expect(errorsOf(validate({ objet }))).toEqual(['ACTE.OBJET_LINE_BREAK objet']);
  });

  it('refuses what ISO-8859-1 cannot carry, naming each character once', () => {
    const result = validate({ objet: 'L’œuvre d’art — 2026 🎨' });
    const [error] = result.ok ? [] : result.errors;
    expect(error).toMatchObject({ code: 'ACTE.OBJET_NOT_LATIN1', field: 'objet' });
    expect(error?.message).toContain('« ’ », « œ », « — », « 🎨 »');
    expect(errorsOf(validate({ objet: 'Délibération « budget » à 100 € ?' }))).toEqual(['ACTE.OBJET_NOT_LATIN1 objet']);
    expect(errorsOf(validate({ objet: 'Délibération « budget » n°3, coût 100 F' }))).toEqual([]);
  });

  it('refuses control characters and broken surrogates but not a tab', () => {
    expect(errorsOf(validate({ objet: 'Budget\u00002026' }))).toEqual(['ACTE.OBJET_INVALID_CHARACTER objet']);
    expect(errorsOf(validate({ objet: 'Budget \ud83d 2026' }))).toEqual(['ACTE.OBJET_INVALID_CHARACTER objet']);
    expect(errorsOf(validate({ objet: 'Budget\t2026' }))).toEqual([]);
  });
});

describe('piece types', () => {
  it('accepts a well-formed typePJ and refuses others', () => {
    expect(errorsOf(validate({ typePJ: '41_NC' }))).toEqual([]);
    for (const typePJ of ['99_de', '9_DE', '99DE_', '99-DE', '']) {
      expect(errorsOf(validate({ typePJ }))).toEqual(['ACTE.TYPE_PJ_INVALID typePJ']);
    }
  });

  it('follows the pattern of the rules', () => {
    const rules = { ...DEFAULT_ACTES_RULES, typePJPattern: /^[A-Z0-9_]{5}$/ };
    expect(errorsOf(validate({ typePJ: 'AB_CD' }, { rules }))).toEqual([]);
  });
});
