import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Seals of the log (see seals/seal.ts): every so often a record of how far the log went and a digest of
 * every event hash up to there, in reading order. Append-only like `events`; the copies exported out
 * of the database (a file, a JetStream stream, an RFC 3161 token) are what catch a rewrite of both.
 */
export class CreateSeals1764700000000 implements MigrationInterface {
  readonly name = 'CreateSeals1764700000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE seals (
        seal_number     bigint      PRIMARY KEY CHECK (seal_number >= 1),
        transaction_id  xid8        NOT NULL,
        global_position bigint      NOT NULL,
        event_count     bigint      NOT NULL CHECK (event_count >= 1),
        digest          bytea       NOT NULL CHECK (octet_length(digest) = 32),
        previous_digest bytea       NOT NULL CHECK (octet_length(previous_digest) = 32),
        sealed_at       timestamptz NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE seal_timestamps (
        seal_number bigint      NOT NULL REFERENCES seals (seal_number),
        authority   text        NOT NULL,
        token       bytea       NOT NULL,
        gen_time    timestamptz NOT NULL,
        PRIMARY KEY (seal_number, authority)
      )`);
    await runner.query(`
      CREATE TRIGGER seals_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON seals
        FOR EACH STATEMENT EXECUTE FUNCTION events_refuse_change()`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS seal_timestamps, seals');
  }
}
