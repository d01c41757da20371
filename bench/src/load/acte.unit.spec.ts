import { describe, expect, it } from '@jest/globals';
import { actesForm, makeActe } from './acte.js';
import { NUMERO_INTERNE, seededRandom } from './corpus.js';
import { checkPdf } from '@relais/testing';

describe('makeActe', () => {
  const random = seededRandom(11);
  const actes = Array.from({ length: 60 }, (_, sequence) =>
    makeActe({
      random,
      now: new Date('2026-11-28T10:00:00Z'),
      runTag: 'AB12',
      sequence,
      nom: 'Commune de Dijon (charge 1)',
      ville: 'Dijon',
      classifications: ['1.1', '7.1', '7.1.2', '9.1'],
    }),
  );

  it('fills metadata by API.md’s rules', () => {
    for (const { metadata } of actes) {
      expect(metadata.numeroInterne).toMatch(NUMERO_INTERNE);
      expect(metadata.dateDecision).toMatch(/^2026-(10|11)-\d{2}$/);
      expect(metadata.dateDecision <= '2026-11-28').toBe(true);
      expect(['DE', 'AR', 'AI', 'CC', 'BF', 'AU']).toContain(metadata.nature);
      expect(['1.1', '7.1', '7.1.2', '9.1']).toContain(metadata.classification);
      expect(metadata.objet.length).toBeLessThanOrEqual(499);
    }
    expect(new Set(actes.map((a) => a.metadata.numeroInterne)).size).toBe(actes.length);
    expect(new Set(actes.map((a) => a.metadata.nature)).size).toBeGreaterThanOrEqual(4);
  });

  it('attaches well-formed PDFs of varied sizes, sometimes with annexes', () => {
    for (const acte of actes) {
      for (const file of [acte.document, ...acte.annexes]) {
        expect(checkPdf(file.bytes).ok).toBe(true);
        expect(file.name).toMatch(/^[A-Za-z0-9_]+\.pdf$/);
      }
      expect(acte.document.bytes.length).toBeGreaterThanOrEqual(5 * 1024 - 8);
      expect(acte.document.bytes.length).toBeLessThanOrEqual(200 * 1024 + 8);
    }
    expect(new Set(actes.map((a) => a.annexes.length))).toEqual(new Set([0, 1, 2]));
  });

  it('builds the multipart parts metadata, document and annexes', () => {
    const acte = actes.find((a) => a.annexes.length === 2) ?? actes[0]!;
    const form = actesForm(acte);
    const metadata = form.get('metadata');
    expect(typeof metadata).toBe('string');
    expect(JSON.parse(metadata as string)).toEqual(acte.metadata);
    const document = form.get('document');
    expect(document).toBeInstanceOf(Blob);
    expect((document as Blob).size).toBe(acte.document.bytes.length);
    expect(form.getAll('annexes')).toHaveLength(acte.annexes.length);
  });
});
