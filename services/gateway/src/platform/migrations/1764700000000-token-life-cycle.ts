import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The token life cycle: a label an administrator recognises ("parapheur", "logiciel financier"), and
 * which token a rotation replaced, so that the list shows old and new side by side while both work.
 */
export class TokenLifeCycle1764700000000 implements MigrationInterface {
  readonly name = 'TokenLifeCycle1764700000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE api_tokens ADD COLUMN label text NULL CHECK (char_length(label) BETWEEN 1 AND 100)`);
    await runner.query(`ALTER TABLE api_tokens ADD COLUMN replaces uuid NULL UNIQUE REFERENCES api_tokens (id)`);
    // The administrator's list of a collectivité's tokens, newest first.
    await runner.query('CREATE INDEX api_tokens_siren_created ON api_tokens (siren, created_at DESC, id)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX IF EXISTS api_tokens_siren_created');
    await runner.query('ALTER TABLE api_tokens DROP COLUMN IF EXISTS replaces');
    await runner.query('ALTER TABLE api_tokens DROP COLUMN IF EXISTS label');
  }
}
