import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Single sign-on in flight: between the redirection to the provider and its return, the state (its
 * SHA-256), the PKCE verifier and the nonce of each attempt, for ten minutes at most, used once.
 */
export class OidcLogins1764900000000 implements MigrationInterface {
  readonly name = 'OidcLogins1764900000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE oidc_logins (
        state_hash    bytea       PRIMARY KEY CHECK (octet_length(state_hash) = 32),
        code_verifier text        NOT NULL,
        nonce         text        NOT NULL,
        next          text        NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS oidc_logins');
  }
}
