import { describe, expect, it } from '@jest/globals';
import { DEFAULT_CLASSIFICATION_FILE, DEFAULT_MAX_UPLOAD_BYTES, DEFAULT_PES_MAX_UPLOAD_BYTES, readConfig } from './config.js';
import { DEFAULT_LIMITS } from './load/limits.js';

describe('readConfig', () => {
  it('has API.md’s defaults, the token file under the working directory', () => {
    expect(readConfig({}, '/srv/relais')).toEqual({
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/relais',
      natsUrl: 'nats://127.0.0.1:4222',
      namespace: 'relais',
      port: 3000,
      adminToken: undefined,
      adminTokenFile: '/srv/relais/.relais/admin-token',
      maxUploadBytes: DEFAULT_MAX_UPLOAD_BYTES,
      pesMaxUploadBytes: DEFAULT_PES_MAX_UPLOAD_BYTES,
      rateLimitPerSecond: 20,
      rateLimitBurst: 100,
      authFailureBurst: 20,
      authFailuresPerMinute: 30,
      classificationFile: DEFAULT_CLASSIFICATION_FILE,
      routingFile: '/srv/relais/config/routing.json',
      limits: DEFAULT_LIMITS,
      allowPrivateWebhooks: false,
    });
    expect(DEFAULT_CLASSIFICATION_FILE).toMatch(/config\/classification-default\.json$/);
    expect(DEFAULT_MAX_UPLOAD_BYTES).toBe(150 * 1024 * 1024);
    expect(DEFAULT_PES_MAX_UPLOAD_BYTES).toBe(128 * 1024 * 1024);
  });

  it('reads every setting', () => {
    const config = readConfig(
      {
        PORT: '8080',
        RELAIS_ADMIN_TOKEN: 'a-long-enough-admin-token',
        RELAIS_ADMIN_TOKEN_FILE: 'secrets/admin',
        RELAIS_MAX_UPLOAD_BYTES: '1048576',
        RELAIS_PES_MAX_UPLOAD_BYTES: '2097152',
        RELAIS_NAMESPACE: 'staging',
        RELAIS_MAX_JSON_BYTES: '4096',
        RELAIS_MAX_CONCURRENT_UPLOADS: '3',
        RELAIS_DB_POOL_SIZE: '7',
      },
      '/srv',
    );
    expect(config.limits).toEqual({ ...DEFAULT_LIMITS, maxJsonBytes: 4096, maxConcurrentUploads: 3, dbPoolSize: 7 });
    expect(config).toEqual(
      expect.objectContaining({ port: 8080, adminToken: 'a-long-enough-admin-token', adminTokenFile: '/srv/secrets/admin', maxUploadBytes: 1048576, pesMaxUploadBytes: 2097152, namespace: 'staging' }),
    );
  });

  it('names every bad setting at once', () => {
    expect(() => readConfig({ PORT: 'x', RELAIS_ADMIN_TOKEN: 'short', DATABASE_URL: 'mysql://db' })).toThrow(
      /PORT[\s\S]*RELAIS_ADMIN_TOKEN|RELAIS_ADMIN_TOKEN[\s\S]*PORT/,
    );
    expect(() => readConfig({ RELAIS_MAX_UPLOAD_BYTES: '0' })).toThrow(/RELAIS_MAX_UPLOAD_BYTES/);
    expect(() => readConfig({ RELAIS_PES_MAX_UPLOAD_BYTES: 'lots' })).toThrow(/RELAIS_PES_MAX_UPLOAD_BYTES/);
    expect(() => readConfig({ RELAIS_MAX_CONCURRENT_UPLOADS: '0', RELAIS_DB_ACQUIRE_TIMEOUT_MS: '10' })).toThrow(
      /RELAIS_MAX_CONCURRENT_UPLOADS[\s\S]*RELAIS_DB_ACQUIRE_TIMEOUT_MS/,
    );
    expect(() => readConfig({ RELAIS_DEFAULT_CLASSIFICATION_FILE: 'nowhere/classification.json' }, '/srv')).toThrow(
      /RELAIS_DEFAULT_CLASSIFICATION_FILE does not exist: \/srv\/nowhere\/classification\.json/,
    );
  });

  it('signs in through OpenID Connect only when the provider and the client are all given, over HTTPS but on loopback', () => {
    expect(readConfig({}, '/srv').oidc).toBeUndefined();
    const env = {
      RELAIS_OIDC_ISSUER: 'https://auth.agentconnect.gouv.fr/api/v2',
      RELAIS_OIDC_CLIENT_ID: 'relais',
      RELAIS_OIDC_CLIENT_SECRET: 'secret',
      RELAIS_OIDC_REDIRECT_URI: 'https://relais.example.org/signin/oidc/callback',
    };
    expect(readConfig(env, '/srv').oidc).toEqual({
      issuer: 'https://auth.agentconnect.gouv.fr/api/v2',
      clientId: 'relais',
      clientSecret: 'secret',
      redirectUri: 'https://relais.example.org/signin/oidc/callback',
      name: 'ProConnect',
    });
    expect(readConfig({ ...env, RELAIS_OIDC_ISSUER: 'http://127.0.0.1:9000' }, '/srv').oidc?.issuer).toBe('http://127.0.0.1:9000');
    expect(() => readConfig({ RELAIS_OIDC_ISSUER: 'http://idp.example.org' }, '/srv')).toThrow(
      /RELAIS_OIDC_CLIENT_ID is required.*\n.*RELAIS_OIDC_CLIENT_SECRET is required.*\n.*RELAIS_OIDC_REDIRECT_URI is required.*\n.*RELAIS_OIDC_ISSUER must be an https:\/\/ URL/s,
    );
  });
});
