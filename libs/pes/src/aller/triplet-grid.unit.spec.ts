import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { DEFAULT_TRIPLET_GRID_URL, loadTripletGrid, parseTripletGrid, tripletKey } from './triplet-grid.js';

describe('the default grille des triplets', () => {
  it('accepts every combination of the codes DOMAIN.md §2.2 lists for the dépense, and the schema’s for the recette', () => {
    const grid = loadTripletGrid();
    expect(grid.depense.size).toBe(3 * 12 * 15);
    expect(grid.recette.size).toBe(4 * 13 * 12);
    expect(grid.depense.has(tripletKey('01', '13', '18'))).toBe(true);
    // TypBord 04 is retour only; TypPce 12 and NatPce 15 are no dépense codes.
    expect(grid.depense.has(tripletKey('04', '01', '01'))).toBe(false);
    expect(grid.depense.has(tripletKey('01', '12', '01'))).toBe(false);
    expect(grid.depense.has(tripletKey('01', '01', '15'))).toBe(false);
    expect(grid.recette.has(tripletKey('06', '15', '01'))).toBe(true);
    expect(grid.recette.has(tripletKey('01', '08', '01'))).toBe(false);
  });

  it('says in its description that it is not the DGFiP’s grid', () => {
    const file = JSON.parse(readFileSync(DEFAULT_TRIPLET_GRID_URL, 'utf8')) as { description: string };
    expect(file.description).toContain("NOT the DGFiP's grille des triplets");
  });
});

describe('parseTripletGrid', () => {
  it('refuses what is not a grid, saying where', () => {
    expect(() => parseTripletGrid(null)).toThrow('"triplets" object');
    expect(() => parseTripletGrid({ triplets: { depense: [] } })).toThrow('triplets.recette');
    expect(() => parseTripletGrid({ triplets: { depense: ['01-01'], recette: [] } })).toThrow('triplets.depense[0]');
    expect(parseTripletGrid({ triplets: { depense: ['01-01-01'], recette: [] } }).depense).toEqual(new Set(['01-01-01']));
  });
});
