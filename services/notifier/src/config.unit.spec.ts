import { describe, expect, it } from '@jest/globals';
import { DEFAULT_DELIVERY, readConfig } from './config.js';

describe('the notifier’s settings', () => {
  it('has API.md’s defaults and a day of retries capped at five minutes', () => {
    expect(readConfig({})).toEqual({
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/relais',
      natsUrl: 'nats://127.0.0.1:4222',
      namespace: 'relais',
      delivery: DEFAULT_DELIVERY,
    });
    expect(DEFAULT_DELIVERY).toMatchObject({ retryMaxMs: 300_000, giveUpAfterMs: 86_400_000 });
  });

  it('reads the delivery settings from the environment', () => {
    const config = readConfig({ NOTIFIER_RETRY_INITIAL_MS: '100', NOTIFIER_RETRY_MAX_MS: '1000', NOTIFIER_POLL_MS: '50', NOTIFIER_CONCURRENCY: '4' });
    expect(config.delivery).toEqual({ ...DEFAULT_DELIVERY, retryInitialMs: 100, retryMaxMs: 1_000, pollIntervalMs: 50, concurrency: 4 });
  });

  it('reaches private addresses only when RELAIS_WEBHOOK_ALLOW_PRIVATE says so', () => {
    expect(readConfig({}).delivery.allowPrivateAddresses).toBe(false);
    expect(readConfig({ RELAIS_WEBHOOK_ALLOW_PRIVATE: 'true' }).delivery.allowPrivateAddresses).toBe(true);
    expect(() => readConfig({ RELAIS_WEBHOOK_ALLOW_PRIVATE: 'maybe' })).toThrow(/RELAIS_WEBHOOK_ALLOW_PRIVATE must be true or false/);
  });

  it('names every bad setting at once', () => {
    expect(() => readConfig({ NOTIFIER_RETRY_INITIAL_MS: 'soon', NOTIFIER_CONCURRENCY: '0', NATS_URL: 'http://x' })).toThrow(
      /NATS_URL must use nats: or tls:.*\n.*NOTIFIER_RETRY_INITIAL_MS.*\n.*NOTIFIER_CONCURRENCY/s,
    );
    expect(() => readConfig({ NOTIFIER_RETRY_INITIAL_MS: '5000', NOTIFIER_RETRY_MAX_MS: '1000' })).toThrow(/must not be below NOTIFIER_RETRY_INITIAL_MS/);
  });

  it('alerts supervisors about stuck transmissions only with an SMTP server and recipients, after 48 hours by default', () => {
    expect(readConfig({ RELAIS_SMTP_URL: 'smtp://127.0.0.1:25' }).stuckAlerts).toBeUndefined();
    expect(readConfig({ RELAIS_STUCK_ALERT_TO: 'supervision@gip.example.org' }).stuckAlerts).toBeUndefined();
    expect(readConfig({ RELAIS_SMTP_URL: 'smtp://127.0.0.1:25', RELAIS_STUCK_ALERT_TO: 'a@gip.example.org, b@gip.example.org' }).stuckAlerts).toEqual({
      smtpUrl: 'smtp://127.0.0.1:25',
      to: ['a@gip.example.org', 'b@gip.example.org'],
      from: 'relais@localhost',
      afterMs: 48 * 3_600_000,
      scanMs: 60_000,
    });
    expect(() => readConfig({ RELAIS_SMTP_URL: 'http://mail', RELAIS_STUCK_ALERT_TO: 'not-an-address', RELAIS_STUCK_AFTER_MINUTES: '0' })).toThrow(
      /RELAIS_STUCK_AFTER_MINUTES.*\n.*not-an-address is not an e-mail address.*\n.*RELAIS_SMTP_URL must be smtp/s,
    );
  });

  it('e-mails named users the notices they chose whenever an SMTP server is set, linking to RELAIS_PUBLIC_URL', () => {
    expect(readConfig({}).notices).toBeUndefined();
    expect(readConfig({ RELAIS_SMTP_URL: 'smtp://127.0.0.1:25' }).notices).toEqual({ smtpUrl: 'smtp://127.0.0.1:25', from: 'relais@localhost', publicUrl: 'http://localhost:3000' });
    const env = { RELAIS_SMTP_URL: 'smtps://mail.gip.example.org:465', RELAIS_MAIL_FROM: 'relais@gip.example.org', RELAIS_PUBLIC_URL: 'https://relais.gip.example.org/' };
    expect(readConfig(env).notices).toEqual({ smtpUrl: 'smtps://mail.gip.example.org:465', from: 'relais@gip.example.org', publicUrl: 'https://relais.gip.example.org' });
    expect(() => readConfig({ RELAIS_PUBLIC_URL: 'ftp://relais.gip.example.org' })).toThrow(/RELAIS_PUBLIC_URL must use http: or https:/);
  });
});
