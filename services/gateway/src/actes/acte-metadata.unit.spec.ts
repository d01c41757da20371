import { describe, expect, it } from '@jest/globals';
import type { FileRef } from '@relais/domain';
import { acteFromMetadata } from './acte-metadata.js';

const file = (name: string): FileRef => ({ sha256: 'a'.repeat(64), size: 10, name, mediaType: 'application/pdf' });
const document = file('doc.pdf');
const metadata = { numeroInterne: 'DEL_1', dateDecision: '2026-01-05', nature: 'DE', classification: '7.1', objet: 'Budget' };

describe('acteFromMetadata', () => {
  it('forms the ActeSubmission, documentPapier false and piece types absent by default', () => {
    expect(acteFromMetadata(metadata, document, [])).toEqual({
      ok: true,
      acte: { kind: 'acte', ...metadata, documentPapier: false, document, annexes: [] },
    });
  });

  it.each([
    [1, 'DE'],
    [2, 'AR'],
    [3, 'AI'],
    [4, 'CC'],
    [5, 'BF'],
    [6, 'AU'],
    ['CC', 'CC'],
    ['AU', 'AU'],
  ])('maps nature %p to %s', (nature, abbreviation) => {
    const mapping = acteFromMetadata({ ...metadata, nature }, document, []);
    expect(mapping.ok && mapping.acte.nature).toBe(abbreviation);
  });

  it.each([7, 0, 1.5, '1', 'de', 'XX', true])('refuses nature %p with METADATA.UNKNOWN_NATURE or INVALID_TYPE on the field', (nature) => {
    const mapping = acteFromMetadata({ ...metadata, nature }, document, []);
    expect(mapping.ok).toBe(false);
    if (!mapping.ok) expect(mapping.errors).toEqual([expect.objectContaining({ field: 'nature' })]);
  });

  it('gives each annexe its piece type in order, and keeps typePJ and documentPapier when given', () => {
    const annexes = [file('a1.pdf'), file('a2.pdf')];
    const mapping = acteFromMetadata({ ...metadata, typePJ: '99_DE', documentPapier: true, annexesTypePJ: ['22_AG'] }, document, annexes);
    expect(mapping).toEqual({
      ok: true,
      acte: expect.objectContaining({
        typePJ: '99_DE',
        documentPapier: true,
        annexes: [{ file: annexes[0], typePJ: '22_AG' }, { file: annexes[1] }],
      }),
    });
  });

  it('refuses more annexe piece types than annexes', () => {
    const mapping = acteFromMetadata({ ...metadata, annexesTypePJ: ['22_AG', '22_AG'] }, document, [file('a.pdf')]);
    expect(mapping).toEqual({ ok: false, errors: [expect.objectContaining({ code: 'METADATA.ANNEXES_TYPEPJ_MISMATCH', field: 'annexesTypePJ' })] });
  });

  it('names every field that is missing or of the wrong JSON type, and leaves the values’ rules alone', () => {
    const mapping = acteFromMetadata({ numeroInterne: 5, nature: 'DE', classification: ['7', '1'], objet: '' }, document, []);
    expect(mapping).toEqual({
      ok: false,
      errors: [
        { code: 'METADATA.INVALID_TYPE', message: expect.any(String), field: 'numeroInterne' },
        { code: 'METADATA.MISSING_FIELD', message: expect.any(String), field: 'dateDecision' },
        { code: 'METADATA.INVALID_TYPE', message: expect.any(String), field: 'classification' },
      ],
    });
    expect(acteFromMetadata({ ...metadata, numeroInterne: 'lower case', objet: '' }, document, []).ok).toBe(true);
  });

  it('refuses metadata that is not an object', () => {
    for (const value of [null, [], 'x', 3]) {
      expect(acteFromMetadata(value, document, [])).toEqual({ ok: false, errors: [expect.objectContaining({ code: 'METADATA.INVALID', field: 'metadata' })] });
    }
  });
});
