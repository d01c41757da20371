import { describe, expect, it } from '@jest/globals';
import { collectivite, isValidSiren, luhnCheckDigit, PLACES } from './siren.js';

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
      expect(Object.keys(body).sort()).toEqual(['arrondissement', 'departement', 'nature', 'nom', 'siren']);
    }
    expect(new Set(made.map((m) => m.body.siren)).size).toBe(made.length);
    expect(new Set(made.map((m) => m.body.departement))).toEqual(new Set(['021', '025', '039', '058', '070', '071', '089', '090']));
    expect(new Set(PLACES.map((p) => p.arrondissement)).size).toBeGreaterThan(1);
  });

  it('moves to another range with another seed', () => {
    expect(collectivite(0, 1).body.siren).not.toBe(collectivite(0, 2).body.siren);
  });
});
