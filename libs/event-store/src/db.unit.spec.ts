import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { parseTimestamptz } from './db.js';

const reference = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ) as (text: string) => Date;

describe('parseTimestamptz', () => {
  it('reads what PostgreSQL writes exactly as pg does, truncating to the millisecond', () => {
    for (const text of [
      '2026-11-28 14:29:48.123456+00',
      '2026-11-28 14:29:48.123+00',
      '2026-11-28 14:29:48.1+00',
      '2026-11-28 14:29:48+00',
      '2026-11-28 14:29:48.999999+00',
      '2026-11-28 00:29:48.5+02',
      '2026-11-28 23:29:48.5-05',
      '2026-02-28 23:59:59.999+00',
      '2028-02-29 12:00:00+00',
      '2026-11-28 14:29:48.123456+05:30',
      '0044-03-15 12:00:00+00 BC',
      '12026-11-28 14:29:48+00',
    ]) {
      expect(parseTimestamptz(text).getTime()).toBe(reference(text).getTime());
    }
  });
});
