import { describe, expect, it } from '@jest/globals';
import { readConfig } from './config.js';

describe('readConfig', () => {
  it('reads DATABASE_URL', () => {
    expect(readConfig({ DATABASE_URL: 'postgresql://db:5432/relais' })).toMatchObject({ databaseUrl: 'postgresql://db:5432/relais' });
  });

  it('refuses a DATABASE_URL that is not a PostgreSQL URL', () => {
    expect(() => readConfig({ DATABASE_URL: 'mysql://db/relais' })).toThrow('DATABASE_URL must use postgres:');
    expect(() => readConfig({ DATABASE_URL: 'not a url' })).toThrow('DATABASE_URL is not a URL');
  });
});
