import { describe, expect, it } from '@jest/globals';
import { certificateValidity } from './certificate-validity.js';

const cert = { validFrom: 'Jan  1 00:00:00 2026 GMT', validTo: 'Mar  1 00:00:00 2026 GMT' };

describe('certificateValidity', () => {
  it.each([
    ['before its start', '2025-12-31T23:59:59Z', 'not_yet_valid', 59],
    ['well within', '2026-01-15T00:00:00Z', 'valid', 45],
    ['exactly warnDays before the end', '2026-01-30T00:00:00Z', 'valid', 30],
    ['less than warnDays before the end', '2026-01-30T00:00:01Z', 'expiring', 29],
    ['one hour before the end', '2026-02-28T23:00:00Z', 'expiring', 0],
    ['at the end', '2026-03-01T00:00:00Z', 'expired', 0],
    ['a day after the end', '2026-03-02T00:00:00Z', 'expired', -1],
  ])('%s → %s', (_label, now, status, daysLeft) => {
    expect(certificateValidity(cert, new Date(now), 30)).toEqual({ status, notAfter: '2026-03-01T00:00:00.000Z', daysLeft });
  });

  it('throws on dates it cannot read', () => {
    expect(() => certificateValidity({ validFrom: 'soon', validTo: 'later' }, new Date(), 30)).toThrow(/Unreadable/);
  });
});
