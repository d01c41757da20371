import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The 6-1 Annulation archives. Each cancelled transmission has at most one (`transmission_id` is the
 * key), named once with an envelope number from `transmitter_archive_numbers` (so that it never shares
 * one with a 1-1), recorded before it is first sent; `sent_at` says the State took it.
 */
export class CreateTransmitterCancellations1764410000000 implements MigrationInterface {
  readonly name = 'CreateTransmitterCancellations1764410000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE transmitter_cancellations (
        transmission_id text        PRIMARY KEY,
        file_name       text        NOT NULL UNIQUE,
        siren           text        NOT NULL,
        id_acte         text        NOT NULL,
        day             date        NOT NULL,
        number          integer     NOT NULL,
        sha256          text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        size            bigint      NOT NULL CHECK (size >= 1),
        sent_at         timestamptz,
        created_at      timestamptz NOT NULL DEFAULT now(),
        UNIQUE (siren, day, number)
      )`);
    await runner.query('CREATE INDEX transmitter_cancellations_id_acte ON transmitter_cancellations (id_acte)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS transmitter_cancellations');
  }
}
