import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Blobs, their chunks, and the uploads in progress. A chunk row is keyed by its blob's sha256 once
 * the blob is committed and by `upload:<upload id>` while staged: committing renames the rows with one
 * UPDATE of the key, and PostgreSQL keeps an unchanged TOASTed `data` value in place, so a 150 MiB
 * file is written once and committed in milliseconds.
 */
export class CreateBlobStore1764360000000 implements MigrationInterface {
  readonly name = 'CreateBlobStore1764360000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE blobs (
        sha256      text        PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        size        bigint      NOT NULL CHECK (size >= 0),
        chunk_count int         NOT NULL CHECK (chunk_count >= 0),
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE blob_chunks (
        sha256 text  NOT NULL CHECK (sha256 ~ '^([0-9a-f]{64}|upload:[0-9a-f-]{36})$'),
        seq    int   NOT NULL CHECK (seq >= 0),
        data   bytea NOT NULL,
        PRIMARY KEY (sha256, seq)
      )`);
    await runner.query(`
      CREATE TABLE blob_uploads (
        upload_id  uuid        PRIMARY KEY,
        started_at timestamptz NOT NULL DEFAULT now(),
        touched_at timestamptz NOT NULL DEFAULT now()
      )`);
    // sweepAbandonedUploads looks for the uploads idle the longest.
    await runner.query('CREATE INDEX blob_uploads_touched_at ON blob_uploads (touched_at)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS blob_uploads, blob_chunks, blobs');
  }
}
