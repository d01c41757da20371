import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The gateway's own tables: API tokens (only their SHA-256 is kept) and the reservations and first
 * answers of idempotency keys.
 */
export class CreateGatewayTables1764400000000 implements MigrationInterface {
  readonly name = 'CreateGatewayTables1764400000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE api_tokens (
        id           uuid        PRIMARY KEY,
        role         text        NOT NULL CHECK (role IN ('admin', 'collectivite', 'supervisor', 'auditor')),
        siren        text        NULL CHECK (siren ~ '^[0-9]{9}$'),
        token_hash   bytea       NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
        created_at   timestamptz NOT NULL DEFAULT now(),
        expires_at   timestamptz NULL,
        revoked_at   timestamptz NULL,
        last_used_at timestamptz NULL,
        CHECK ((role = 'collectivite') = (siren IS NOT NULL))
      )`);
    await runner.query(`
      CREATE TABLE idempotency_keys (
        scope        text        NOT NULL,
        key          text        NOT NULL,
        owner        uuid        NOT NULL,
        reserved_at  timestamptz NOT NULL DEFAULT now(),
        status       integer     NULL,
        body         jsonb       NULL,
        completed_at timestamptz NULL,
        PRIMARY KEY (scope, key),
        CHECK ((completed_at IS NULL) = (status IS NULL))
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS idempotency_keys, api_tokens');
  }
}
