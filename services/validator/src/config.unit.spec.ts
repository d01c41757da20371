import { describe, expect, it } from '@jest/globals';
import { DEFAULT_CLASSIFICATION_FILE, DEFAULT_TRIPLETS_FILE, readConfig } from './config.js';

describe('readConfig', () => {
  it('has the platform defaults: the default classification and the triplet grid shipped with @relais/pes', () => {
    expect(readConfig({})).toEqual({
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/relais',
      natsUrl: 'nats://127.0.0.1:4222',
      namespace: 'relais',
      classificationFile: DEFAULT_CLASSIFICATION_FILE,
      tripletsFile: DEFAULT_TRIPLETS_FILE,
      clamdStreamMaxBytes: 200 * 1024 * 1024,
      pesSignatureMaxBytes: 16 * 1024 * 1024,
    });
    expect(DEFAULT_TRIPLETS_FILE).toMatch(/libs\/pes\/data\/triplets-default\.json$/);
  });

  it('reads the antivirus daemon as host:port or a socket path, and refuses anything else', () => {
    expect(readConfig({ RELAIS_CLAMD: '127.0.0.1:3310' }).clamd).toEqual({ host: '127.0.0.1', port: 3310 });
    expect(readConfig({ RELAIS_CLAMD: '/run/clamav/clamd.ctl' }).clamd).toEqual({ socketPath: '/run/clamav/clamd.ctl' });
    expect(() => readConfig({ RELAIS_CLAMD: 'clamd' })).toThrow(/RELAIS_CLAMD must be host:port or the absolute path/);
    expect(() => readConfig({ RELAIS_SIGNATURE_TRUST_FILE: '/nowhere/rgs.pem' })).toThrow(/RELAIS_SIGNATURE_TRUST_FILE does not exist/);
  });

  it('names every missing file at once', () => {
    expect(() => readConfig({ RELAIS_DEFAULT_CLASSIFICATION_FILE: '/nowhere/c.json', RELAIS_PES_TRIPLETS_FILE: '/nowhere/t.json' })).toThrow(
      /RELAIS_DEFAULT_CLASSIFICATION_FILE does not exist: \/nowhere\/c\.json[\s\S]*RELAIS_PES_TRIPLETS_FILE does not exist: \/nowhere\/t\.json/,
    );
  });
});
