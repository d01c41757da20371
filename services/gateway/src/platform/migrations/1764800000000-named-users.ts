import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Named users: people, each with a role (a collectivité's agents and its administrators, supervisors,
 * auditors, the platform's administrators) and the tokens issued to them. An address is personal
 * data: it lives here, never in the event log (an administrative action names `user:<id>`).
 */
export class NamedUsers1764800000000 implements MigrationInterface {
  readonly name = 'NamedUsers1764800000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE users (
        id                 uuid        PRIMARY KEY,
        email              text        NOT NULL UNIQUE CHECK (email = lower(email) AND email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
        name               text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
        role               text        NOT NULL CHECK (role IN ('admin', 'collectivite', 'supervisor', 'auditor')),
        siren              text        NULL CHECK (siren ~ '^[0-9]{9}$'),
        collectivite_admin boolean     NOT NULL DEFAULT false,
        created_at         timestamptz NOT NULL DEFAULT now(),
        disabled_at        timestamptz NULL,
        CHECK ((role = 'collectivite') = (siren IS NOT NULL)),
        CHECK (NOT collectivite_admin OR role = 'collectivite')
      )`);
    await runner.query('CREATE INDEX users_siren ON users (siren, email)');
    await runner.query('ALTER TABLE api_tokens ADD COLUMN user_id uuid NULL REFERENCES users (id)');
    await runner.query('CREATE INDEX api_tokens_user ON api_tokens (user_id)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE api_tokens DROP COLUMN IF EXISTS user_id');
    await runner.query('DROP TABLE IF EXISTS users');
  }
}
