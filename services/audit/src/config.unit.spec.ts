import { describe, expect, it } from '@jest/globals';
import { readConfig } from './config.js';

describe('the audit service settings', () => {
  it('default to a seal every 10,000 events or 5 minutes, exported to JetStream, personal data kept ten years', () => {
    expect(readConfig({})).toEqual({
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/relais',
      natsUrl: 'nats://127.0.0.1:4222',
      namespace: 'relais',
      sealEveryEvents: 10_000,
      sealEveryMs: 300_000,
      pollMs: 1_000,
      exportNats: true,
      retentionDays: 3_650,
      retentionPollMs: 3_600_000,
    });
  });

  it('read the file, the timestamping authority and the retention period', () => {
    expect(readConfig({ SEAL_EXPORT_FILE: '/srv/seals.ndjson', SEAL_TSA_URL: 'https://tsa.example/tsr', PERSONAL_DATA_RETENTION_DAYS: '0', SEAL_EXPORT_NATS: 'false' })).toMatchObject({
      exportFile: '/srv/seals.ndjson',
      tsaUrl: 'https://tsa.example/tsr',
      retentionDays: 0,
      exportNats: false,
    });
  });

  it('name every bad setting at once', () => {
    expect(() => readConfig({ SEAL_EVERY_EVENTS: '0', SEAL_TSA_URL: 'ftp://x', SEAL_EXPORT_NATS: 'yes', RELAIS_NAMESPACE: 'a b' })).toThrow(
      /SEAL_EVERY_EVENTS[\s\S]*SEAL_TSA_URL[\s\S]*SEAL_EXPORT_NATS|RELAIS_NAMESPACE/,
    );
  });
});
