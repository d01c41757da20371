import { describe, expect, it } from '@jest/globals';

import { validateActe } from './acte.validate.js';
import { DEFAULT_ACTES_RULES } from './acte-validation.rules.js';
import type { ActeFileInput, ActeMetadataInput, ActeValidationContext } from './acte-validation.types.js';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const pdf = text('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const file = (name: string, bytes: Uint8Array): ActeFileInput => ({ name, size: bytes.length, head: bytes, tail: bytes });

const metadata: ActeMetadataInput = {
  numeroInterne: 'AR2026_042',
  dateDecision: '2026-06-01',
  nature: 2,
  classification: '06.1',
  objet: 'Réglementation du stationnement rue de la Mairie',
};
const context: ActeValidationContext = {
  today: '2026-11-28',
  existingNumerosInternes: new Set(['AR2026_041']),
  rules: DEFAULT_ACTES_RULES,
};

describe('validateActe', () => {
  it('normalises an acte: both names of the nature, classification as numbers, piece types defaulted', () => {
    const result = validateActe(
      { metadata, document: file('arrete.pdf', pdf), annexes: [file('plan.png', png), file('avis.pdf', pdf)] },
      context,
    );
    expect(result).toEqual({
      ok: true,
      normalized: {
        numeroInterne: 'AR2026_042',
        dateDecision: '2026-06-01',
        nature: 'AR',
        natureCode: 2,
        classification: '6.1',
        classificationLevels: [6, 1],
        objet: 'Réglementation du stationnement rue de la Mairie',
        documentPapier: false,
        typePJ: '99_AR',
        document: { name: 'arrete.pdf', size: pdf.length, format: 'pdf' },
        annexes: [
          { name: 'plan.png', size: png.length, format: 'png', typePJ: '99_AR' },
          { name: 'avis.pdf', size: pdf.length, format: 'pdf', typePJ: '99_AR' },
        ],
      },
    });
  });

  it('keeps the piece types and the paper follow-up the collectivité gave', () => {
    const given = { ...metadata, nature: 'CC', documentPapier: true, typePJ: '99_CO', annexesTypePJ: ['41_NC'] };
    const result = validateActe({ metadata: given, document: file('c.pdf', pdf), annexes: [file('a.pdf', pdf)] }, context);
    expect(result.ok && result.normalized).toMatchObject({
      nature: 'CC',
      natureCode: 4,
      documentPapier: true,
      typePJ: '99_CO',
      annexes: [{ typePJ: '41_NC' }],
    });
  });

  it('defaults the piece type of each nature as API.md says', () => {
    const typeOf = (nature: number): string | undefined => {
      const result = validateActe({ metadata: { ...metadata, nature }, document: file('a.pdf', pdf), annexes: [] }, context);
      return result.ok ? result.normalized.typePJ : undefined;
    };
    expect([1, 2, 3, 4, 5, 6].map(typeOf)).toEqual(['99_DE', '99_AR', '99_AI', '99_DC', '99_BU', '99_AU']);
  });

  it('wants one piece type per annexe when they are given', () => {
    const given = { ...metadata, annexesTypePJ: ['41_NC', '22_AG'] };
    const result = validateActe({ metadata: given, document: file('a.pdf', pdf), annexes: [file('b.pdf', pdf)] }, context);
    expect(!result.ok && result.errors.map((e) => [e.code, e.field])).toEqual([
      ['ACTE.ANNEXES_TYPE_PJ_MISMATCH', 'annexesTypePJ'],
    ]);
  });

  it('reports every broken rule at once, each with its field and a French message', () => {
    const result = validateActe(
      {
        metadata: {
          numeroInterne: 'AR2026_041',
          dateDecision: '2026-02-30',
          nature: 'XX',
          classification: '6',
          objet: 'Ligne 1\nLigne 2',
          typePJ: '99_ar',
          annexesTypePJ: ['99-AR'],
        },
        document: file('arrete.pdf', png),
        annexes: [file('../plan.txt', text('plan'))],
      },
      context,
    );
    expect(!result.ok && result.errors.map((e) => [e.code, e.field])).toEqual([
      ['ACTE.NUMERO_INTERNE_DUPLICATE', 'numeroInterne'],
      ['ACTE.DATE_INVALID', 'dateDecision'],
      ['ACTE.NATURE_INVALID', 'nature'],
      ['ACTE.CLASSIFICATION_INVALID', 'classification'],
      ['ACTE.OBJET_LINE_BREAK', 'objet'],
      ['ACTE.TYPE_PJ_INVALID', 'typePJ'],
      ['ACTE.TYPE_PJ_INVALID', 'annexesTypePJ[0]'],
      ['ACTE.DOCUMENT_NOT_PDF', 'document'],
      ['ACTE.FILE_NAME_INVALID', 'annexes[0]'],
      ['ACTE.ANNEXE_FORMAT_INVALID', 'annexes[0]'],
    ]);
    expect(!result.ok && result.errors[1]?.message).toBe(
      'La date de décision « 2026-02-30 » n\'est pas une date valable (format attendu AAAA-MM-JJ, par exemple 2026-01-15).',
    );
  });
});
