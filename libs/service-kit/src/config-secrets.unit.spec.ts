import { describe, expect, it } from '@jest/globals';
import { readServiceSettings, redactedUrl, SettingsReader } from './config.js';

const PASSWORD = 'S3cr3t-p@ss';

describe('URL settings never show their password', () => {
  it('replaces the credentials of a URL, keeping the scheme, host and path an operator needs to find the mistake', () => {
    expect(redactedUrl('postgres://relais:hunter2@db.example:5432/relais')).toBe('postgres://***@db.example:5432/relais');
    expect(redactedUrl('nats://127.0.0.1:4222')).toBe('nats://127.0.0.1:4222');
    // A password with a raw `@` and `#`, which a URL parser reads as part host, part fragment.
    expect(redactedUrl(`postgres://relais:${PASSWORD}#x@db/relais`)).toBe('postgres://***@db/relais');
  });

  it('keeps the password out of the start-up error of a wrong scheme or an unparsable URL', () => {
    for (const env of [
      { DATABASE_URL: `mysql://relais:${PASSWORD}@db/relais` },
      { DATABASE_URL: `postgres://relais:${PASSWORD}@[db/relais` },
      { NATS_URL: `http://user:${PASSWORD}@nats:4222` },
    ]) {
      const settings = new SettingsReader(env);
      readServiceSettings(settings);
      let message = '';
      try {
        settings.done();
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/Invalid settings/);
      expect(message).not.toContain('S3cr3t');
    }
  });
});
