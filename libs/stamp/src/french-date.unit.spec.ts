import { describe, expect, it } from '@jest/globals';
import { StampErrorCode } from './errors.js';
import { frenchDate } from './french-date.js';

describe('frenchDate', () => {
  it('prints a calendar date as DD/MM/YYYY', () => {
    expect(frenchDate('2026-01-05')).toBe('05/01/2026');
    expect(frenchDate('2024-02-29')).toBe('29/02/2024');
  });

  it('prints an instant as its date in Paris, winter and summer time', () => {
    expect(frenchDate('2026-01-05T22:59:59Z')).toBe('05/01/2026');
    expect(frenchDate('2026-01-05T23:00:00Z')).toBe('06/01/2026');
    expect(frenchDate('2026-07-14T21:59:00.000Z')).toBe('14/07/2026');
    expect(frenchDate('2026-07-14T22:00:00.000Z')).toBe('15/07/2026');
    expect(frenchDate('2026-07-15T00:30:00+02:00')).toBe('15/07/2026');
  });

  it('refuses what is not a date', () => {
    for (const value of ['', '2026-02-29', '2026-1-5', '05/01/2026', '2026-01-05T25:00:00Z', '2026-01-05T10:00:00', 'maintenant']) {
      expect(() => frenchDate(value)).toThrow(expect.objectContaining({ code: StampErrorCode.InvalidFacts }));
    }
  });
});
