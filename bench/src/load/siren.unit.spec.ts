import { describe, expect, it } from '@jest/globals';
import { collectivite, isValidSiren, isValidSiret, luhnCheckDigit, PLACES, siretOf } from './siren.js';

describe('SIREN', () => {
  it('computes the Luhn check digit of known SIRENs', () => {
    // Dijon (API.md's example) and two companies' published SIRENs.
    expect(luhnCheckDigit('21210231')).toBe(3);
    expect(luhnCheckDigit('73282932')).toBe(0);
    expect(luhnCheckDigit('55210055')).toBe(4);
    expect(isValidSiren('212102313')).toBe(true);
    expect(isValidSiren('212102314')).toBe(false);
    expect(isValidSiren('21210231')).toBe(false);
    expect(() => luhnCheckDigit('12a')).toThrow();
  });

  it('makes valid, distinct SIRENs of commune shape over the départements asked for', () => {
    const made = Array.from({ length: 240 }, (_, i) => collectivite(i, 4321));
    for (const { body } of made) {
      expect(isValidSiren(body.siren)).toBe(true);
      expect(body.siren.slice(0, 4)).toBe(`21${body.departement.slice(1)}`);
      expect(body.departement).toMatch(/^[09][0-9][AB0-9]$/);
      expect(body.arrondissement).toMatch(/^\d$/);
      expect(body.nature).toMatch(/^\d{2}$/);
      expect(Object.keys(body).sort()).toEqual(['arrondissement', 'departement', 'helios', 'nature', 'nom', 'siren']);
    }
    expect(new Set(made.map((m) => m.body.siren)).size).toBe(made.length);
    expect(new Set(made.map((m) => m.body.departement))).toEqual(new Set(['021', '025', '039', '058', '070', '071', '089', '090']));
    expect(new Set(PLACES.map((p) => p.arrondissement)).size).toBeGreaterThan(1);
  });

  it('gives each collectivité one to three Hélios budgets the gateway accepts', () => {
    const made = Array.from({ length: 240 }, (_, i) => collectivite(i, 4321).body);
    for (const body of made) {
      expect(body.helios.length).toBeGreaterThanOrEqual(1);
      expect(body.helios.length).toBeLessThanOrEqual(3);
      for (const budget of body.helios) {
        // The rules of the gateway's HeliosBudgetDto, and the Luhn key of a real SIRET.
        expect(budget.idPost).toMatch(/^[0-9]{6}$/);
        expect(budget.idPost.slice(0, 3)).toBe(body.departement);
        expect(budget.codCol).toMatch(/^[0-9A-Z]{3}$/);
        expect(budget.codBud).toMatch(/^[0-9A-Z]{2}$/);
        expect(budget.siret.slice(0, 9)).toBe(body.siren);
        expect(isValidSiret(budget.siret)).toBe(true);
        expect(Object.keys(budget).sort()).toEqual(['codBud', 'codCol', 'idPost', 'siret']);
      }
      expect(new Set(body.helios.map((b) => b.codCol)).size).toBe(1);
      expect(new Set(body.helios.map((b) => b.siret)).size).toBe(body.helios.length);
      expect(body.helios.map((b) => b.codBud)).toEqual(['01', '02', '03'].slice(0, body.helios.length));
    }
    expect(new Set(made.map((b) => b.helios.length))).toEqual(new Set([1, 2, 3]));
    // Collectivités at the same poste never share a CodCol.
    const byPost = new Map<string, string[]>();
    for (const budget of made.map((b) => b.helios[0]!)) byPost.set(budget.idPost, [...(byPost.get(budget.idPost) ?? []), budget.codCol]);
    for (const codCols of byPost.values()) expect(new Set(codCols).size).toBe(codCols.length);
  });

  it('makes SIRETs of SIREN, NIC and Luhn key', () => {
    // API.md's example: Dijon's town hall.
    expect(siretOf('212102313', 1)).toBe('21210231300013');
    expect(isValidSiret('21210231300013')).toBe(true);
    expect(isValidSiret('21210231300014')).toBe(false);
    expect(isValidSiret('2121023130001')).toBe(false);
    expect(() => siretOf('212102313', 10_000)).toThrow();
  });

  it('moves to another range with another seed', () => {
    expect(collectivite(0, 1).body.siren).not.toBe(collectivite(0, 2).body.siren);
  });
});
