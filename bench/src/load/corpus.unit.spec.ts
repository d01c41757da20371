import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import {
  annexeCount,
  classificationFor,
  classificationsFromRetour,
  decisionDate,
  fileSize,
  NATURES,
  NUMERO_INTERNE,
  numeroInterne,
  objet,
  runTag,
  seededRandom,
} from './corpus.js';

const RETOUR = `<?xml version="1.0" encoding="ISO-8859-1"?>
<actes:RetourClassification xmlns:actes="http://www.interieur.gouv.fr/ACTES#v1.1-20040216">
  <actes:Matieres>
    <actes:Matiere1 actes:CodeMatiere="1" actes:Libelle="Commande Publique">
      <actes:Matiere2 actes:CodeMatiere="1" actes:Libelle="Marches publics"/>
      <actes:Matiere2 actes:CodeMatiere="3" actes:Libelle="Conventions de Mandat">
        <actes:Matiere3 actes:CodeMatiere="3" actes:Libelle="Autres"/>
      </actes:Matiere2>
    </actes:Matiere1>
    <actes:Matiere1 actes:CodeMatiere="7" actes:Libelle="Finances locales">
      <actes:Matiere2 actes:CodeMatiere="1" actes:Libelle="Decisions budgetaires">
        <actes:Matiere3 actes:CodeMatiere="2" actes:Libelle="BP">
          <actes:Matiere4 actes:CodeMatiere="5" actes:Libelle="x"><actes:Matiere5 actes:CodeMatiere="9" actes:Libelle="y"/></actes:Matiere4>
        </actes:Matiere3>
      </actes:Matiere2>
    </actes:Matiere1>
    <actes:Matiere1 actes:CodeMatiere="9" actes:Libelle="Autres domaines"/>
  </actes:Matieres>
</actes:RetourClassification>`;

describe('classificationsFromRetour', () => {
  it('lists every path of two to five levels', () => {
    expect(classificationsFromRetour(RETOUR)).toEqual(['1.1', '1.3', '1.3.3', '7.1', '7.1.2', '7.1.2.5', '7.1.2.5.9']);
  });

  it('reads the platform sample when it is there', () => {
    const sample = new URL('../../../../shared/data/actes/RetourClassification_example.xml', import.meta.url);
    if (!existsSync(sample)) return;
    const codes = classificationsFromRetour(readFileSync(sample, 'latin1'));
    expect(codes.length).toBeGreaterThan(20);
    expect(codes).toContain('7.1');
    for (const code of codes) expect(code).toMatch(/^\d+(\.\d+){1,4}$/);
  });

  it('gives nothing for a document without matières', () => {
    expect(classificationsFromRetour('<a/>')).toEqual([]);
  });
});

describe('numéros internes', () => {
  it('match the API pattern and are unique within a run', () => {
    const tag = runTag(123_456);
    expect(tag).toMatch(/^[A-Z0-9]{4}$/);
    const made = new Set<string>();
    for (const sequence of [0, 1, 35, 36, 1000, 99_999, 36 ** 6 - 1]) {
      for (const { abbrev } of NATURES) {
        const numero = numeroInterne(abbrev, 2026, tag, sequence);
        expect(numero).toMatch(NUMERO_INTERNE);
        expect(numero.length).toBeLessThanOrEqual(15);
        made.add(numero);
      }
    }
    expect(made.size).toBe(7 * NATURES.length);
    expect(numeroInterne('DE', 2026, 'K3F9', 35)).toBe('DE26K3F9_00000Z');
    expect(() => numeroInterne('DE', 2026, 'K3F9', 36 ** 6)).toThrow();
  });
});

describe('drawn values', () => {
  const random = seededRandom(7);

  it('makes objets of 1 to 499 characters without line breaks, for every nature', () => {
    for (let i = 0; i < 600; i++) {
      const nature = NATURES[i % NATURES.length]?.abbrev ?? 'DE';
      const text = objet(random, nature, 'Besançon', 2026);
      expect(text.length).toBeGreaterThanOrEqual(1);
      expect(text.length).toBeLessThanOrEqual(499);
      expect(text).not.toMatch(/[\r\n]/);
      expect(text).toMatch(/^[\u0020-\u007E\u00A0-\u00FF]+$/);
    }
  });

  it('dates decisions today or before, in YYYY-MM-DD', () => {
    const now = new Date('2026-03-01T00:30:00Z');
    expect(decisionDate(now, 0)).toBe('2026-03-01');
    expect(decisionDate(now, 1)).toBe('2026-02-28');
  });

  it('draws file sizes and annexe counts within bounds', () => {
    for (let i = 0; i < 500; i++) {
      const size = fileSize(random, 5 * 1024, 200 * 1024);
      expect(size).toBeGreaterThanOrEqual(5 * 1024);
      expect(size).toBeLessThanOrEqual(200 * 1024);
      expect([0, 1, 2]).toContain(annexeCount(random));
    }
  });

  it('classifies budgets under 7 when it can, and uses the list it is given', () => {
    expect(classificationFor(random, 'BF', ['1.1', '7.1'])).toBe('7.1');
    expect(['1.1', '2.2']).toContain(classificationFor(random, 'DE', ['1.1', '2.2']));
    expect(classificationFor(random, 'DE', [])).toMatch(/^\d+(\.\d+){1,4}$/);
  });

  it('replays the same draws from the same seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    expect(Array.from({ length: 5 }, a)).toEqual(Array.from({ length: 5 }, b));
  });
});
