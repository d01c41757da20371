import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The transmitter's own tables. `transmitter_archive_numbers` hands out each collectivité's envelope
 * numbers per day, only ever upwards (a number is never given twice; one lost in a crash is a gap).
 * `transmitter_archives` keeps the one archive of each transmission: its name is unique, and so is
 * the transmission, so that no acte can ever leave in two different archives.
 */
export class CreateTransmitterArchives1764390000000 implements MigrationInterface {
  readonly name = 'CreateTransmitterArchives1764390000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE transmitter_archive_numbers (
        siren       text    NOT NULL,
        day         date    NOT NULL,
        last_number integer NOT NULL CHECK (last_number >= 1),
        PRIMARY KEY (siren, day)
      )`);
    await runner.query(`
      CREATE TABLE transmitter_archives (
        file_name       text        PRIMARY KEY,
        transmission_id text        NOT NULL UNIQUE,
        siren           text        NOT NULL,
        numero_interne  text        NOT NULL,
        id_acte         text        NOT NULL,
        day             date        NOT NULL,
        number          integer     NOT NULL,
        sha256          text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        size            bigint      NOT NULL CHECK (size >= 1),
        created_at      timestamptz NOT NULL DEFAULT now(),
        UNIQUE (siren, day, number)
      )`);
    await runner.query('CREATE INDEX transmitter_archives_acte ON transmitter_archives (siren, numero_interne)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS transmitter_archives');
    await runner.query('DROP TABLE IF EXISTS transmitter_archive_numbers');
  }
}
