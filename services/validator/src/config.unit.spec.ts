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
    });
    expect(DEFAULT_TRIPLETS_FILE).toMatch(/libs\/pes\/data\/triplets-default\.json$/);
  });

  it('names every missing file at once', () => {
    expect(() => readConfig({ RELAIS_DEFAULT_CLASSIFICATION_FILE: '/nowhere/c.json', RELAIS_PES_TRIPLETS_FILE: '/nowhere/t.json' })).toThrow(
      /RELAIS_DEFAULT_CLASSIFICATION_FILE does not exist: \/nowhere\/c\.json[\s\S]*RELAIS_PES_TRIPLETS_FILE does not exist: \/nowhere\/t\.json/,
    );
  });
});
