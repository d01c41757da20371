import { describe, expect, it } from '@jest/globals';

import { readConfig } from './config.js';

describe('readConfig', () => {
  it('has defaults for every setting', () => {
    expect(readConfig({})).toEqual({
      port: 3100,
      ackDelayMs: 200,
      anomalyRate: 0,
      pesPartialRate: 0,
      pesNackRate: 0,
      pesNonAcquitRate: 0,
      pesErrorCode: undefined,
      seed: undefined,
      maxArchiveBytes: 160 * 1024 * 1024,
      classificationDate: undefined,
      tls: undefined,
      imap: undefined,
      sftp: undefined,
      bridgeIntervalMs: 200,
    });
  });

  it('reads the real channels the State is reached by: HTTPS with client certificates, the IMAP mailbox, the SFTP folders', () => {
    const config = readConfig({
      STATE_SIM_TLS_PORT: '3443', STATE_SIM_TLS_CERT: '/t/server.crt', STATE_SIM_TLS_KEY: '/t/server.key', STATE_SIM_TLS_CLIENT_CA: '/t/ca.crt',
      STATE_SIM_IMAP_HOST: '127.0.0.1', STATE_SIM_IMAP_PORT: '9993', STATE_SIM_IMAP_USER: 'actes', STATE_SIM_IMAP_PASSWORD_FILE: '/t/imap.pass',
      STATE_SIM_SFTP_DEPOSIT_DIR: '/s/depot', STATE_SIM_SFTP_RETURNS_DIR: '/s/retours',
    });
    expect(config).toMatchObject({
      tls: { port: 3443, certFile: '/t/server.crt', keyFile: '/t/server.key', clientCaFile: '/t/ca.crt' },
      imap: { host: '127.0.0.1', port: 9993, username: 'actes', passwordFile: '/t/imap.pass', caFile: undefined },
      sftp: { depositDir: '/s/depot', returnsDir: '/s/retours' },
    });
  });

  it('refuses half a channel: settings that go together must all be given', () => {
    expect(() => readConfig({ STATE_SIM_TLS_PORT: '3443', STATE_SIM_SFTP_RETURNS_DIR: '/s/retours' })).toThrow(
      /STATE_SIM_TLS_CERT, STATE_SIM_TLS_KEY, STATE_SIM_TLS_CLIENT_CA missing[\s\S]*STATE_SIM_SFTP_DEPOSIT_DIR missing/,
    );
  });

  it('reads the environment', () => {
    expect(
      readConfig({ STATE_SIM_PORT: '0', STATE_SIM_ACK_DELAY_MS: '5', STATE_SIM_ANOMALY_RATE: '0.25', STATE_SIM_SEED: '42' }),
    ).toMatchObject({ port: 0, ackDelayMs: 5, anomalyRate: 0.25, seed: 42 });
  });

  it('reads the PES answer rates and error code, which must be in the NumAnoAck list', () => {
    expect(
      readConfig({
        STATE_SIM_PES_PARTIAL_RATE: '0.1',
        STATE_SIM_PES_NACK_RATE: '0.2',
        STATE_SIM_PES_NON_ACQUIT_RATE: '1',
        STATE_SIM_PES_ERROR_CODE: 'ERREUR_CODIQUE',
      }),
    ).toMatchObject({ pesPartialRate: 0.1, pesNackRate: 0.2, pesNonAcquitRate: 1, pesErrorCode: 'ERREUR_CODIQUE' });
    expect(() => readConfig({ STATE_SIM_PES_NACK_RATE: '2', STATE_SIM_PES_ERROR_CODE: 'ERREUR_INCONNUE' })).toThrow(
      /STATE_SIM_PES_NACK_RATE[\s\S]*STATE_SIM_PES_ERROR_CODE/,
    );
  });

  it("reads the date of the préfecture's classification, which must be a date", () => {
    expect(readConfig({ STATE_SIM_CLASSIFICATION_DATE: '2024-06-30' }).classificationDate).toBe('2024-06-30');
    expect(() => readConfig({ STATE_SIM_CLASSIFICATION_DATE: '2024-02-30' })).toThrow(/STATE_SIM_CLASSIFICATION_DATE/);
  });

  it('names every bad setting at once', () => {
    expect(() => readConfig({ STATE_SIM_PORT: '70000', STATE_SIM_ANOMALY_RATE: '1.5', STATE_SIM_ACK_DELAY_MS: '-1' })).toThrow(
      /STATE_SIM_PORT[\s\S]*STATE_SIM_ACK_DELAY_MS[\s\S]*STATE_SIM_ANOMALY_RATE/,
    );
  });
});
