import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The web pages' sessions: only the SHA-256 of each session id is kept, bound to the token it was
 * opened with (gone with it). Whether a session still stands is decided on each use, from its two
 * dates and its token's state; the indexes serve that lookup, the revocation of a token's sessions and
 * the sweep of ended ones.
 */
export class CreateWebSessions1764600000000 implements MigrationInterface {
  readonly name = 'CreateWebSessions1764600000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE web_sessions (
        id_hash      bytea       PRIMARY KEY CHECK (octet_length(id_hash) = 32),
        token_id     uuid        NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
        created_at   timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query('CREATE INDEX web_sessions_token_id ON web_sessions (token_id)');
    await runner.query('CREATE INDEX web_sessions_last_seen_at ON web_sessions (last_seen_at)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS web_sessions');
  }
}
