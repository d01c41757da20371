import { describe, expect, it } from '@jest/globals';

import { defaultTypePJ, natureFromInput } from './nature.values.js';

describe('natureFromInput', () => {
  it('reads each code 1..6 and gives its abbreviation', () => {
    expect([1, 2, 3, 4, 5, 6].map((code) => natureFromInput(code)?.abbreviation)).toEqual([
      'DE',
      'AR',
      'AI',
      'CC',
      'BF',
      'AU',
    ]);
  });

  it('reads each abbreviation and gives its code', () => {
    expect(natureFromInput('DE')).toEqual({ code: 1, abbreviation: 'DE' });
    expect(natureFromInput('BF')).toEqual({ code: 5, abbreviation: 'BF' });
    expect(natureFromInput('AU')).toEqual({ code: 6, abbreviation: 'AU' });
  });

  it('refuses codes out of range, fractions, lower case, digits as text and inherited names', () => {
    for (const input of [0, 7, -1, 1.5, Number.NaN, 'de', 'XX', '1', '', ' DE', 'toString', 'constructor']) {
      expect(natureFromInput(input)).toBeUndefined();
    }
  });
});

describe('defaultTypePJ', () => {
  it("gives the nature's generic piece type, by abbreviation or by code", () => {
    expect(['DE', 'AR', 'AI', 'CC', 'BF', 'AU'].map((n) => defaultTypePJ(natureFromInput(n)!.abbreviation))).toEqual([
      '99_DE',
      '99_AR',
      '99_AI',
      '99_DC',
      '99_BU',
      '99_AU',
    ]);
    expect(defaultTypePJ(4)).toBe('99_DC');
    expect(defaultTypePJ(5)).toBe('99_BU');
  });
});
