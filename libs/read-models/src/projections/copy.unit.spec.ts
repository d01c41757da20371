import { describe, expect, it } from '@jest/globals';
import { field } from './copy.js';

describe('a COPY field (text format)', () => {
  it('escapes what the format gives a meaning to, and writes NULL, dates, arrays and json', () => {
    expect(field('a\tb\nc\\d\re')).toBe('a\\tb\\nc\\\\d\\re');
    expect(field(null)).toBe('\\N');
    expect(field(undefined)).toBe('\\N');
    expect(field(new Date('2026-01-05T09:00:00.123Z'))).toBe('2026-01-05T09:00:00.123Z');
    expect(field(12n)).toBe('12');
    expect(field(['CHANNEL.X', 'say "hi"', 'back\\slash'])).toBe('{"CHANNEL.X","say \\\\"hi\\\\"","back\\\\\\\\slash"}');
    expect(field({ json: { objet: 'Délibération\n"budget"' } })).toBe('{"objet":"Délibération\\\\n\\\\"budget\\\\""}');
  });
});
