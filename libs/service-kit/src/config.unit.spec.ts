import { describe, expect, it } from '@jest/globals';
import { readServiceConfig, readServiceSettings, SettingsReader } from './config.js';

describe('service settings', () => {
  it("uses API.md's defaults", () => {
    expect(readServiceConfig({})).toEqual({
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/relais',
      natsUrl: 'nats://127.0.0.1:4222',
      namespace: 'relais',
    });
  });

  it('names every bad setting in one error', () => {
    const settings = new SettingsReader({ DATABASE_URL: 'mysql://x/y', NATS_URL: 'nope', RELAIS_NAMESPACE: 'a.b', PORT: '70000' });
    readServiceSettings(settings);
    settings.integer('PORT', 3000, 0, 65535);
    expect(() => {
      settings.done();
    }).toThrow(
      'Invalid settings:\n  DATABASE_URL must use postgres: or postgresql:: mysql://x/y\n  NATS_URL is not a URL: nope\n' +
        '  RELAIS_NAMESPACE must match ^[A-Za-z0-9_-]{1,32}$: a.b\n  PORT must be a whole number from 0 to 65535: 70000',
    );
  });
});
