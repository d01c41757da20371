import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The archives of the messages sent after an acte besides its 6-1: the answers to the préfecture's
 * letters (2-2, 3-2, 3-3, 3-4, 4-2, 4-3, 4-4), keyed by (transmission, exchange, code), and the 7-1
 * classification requests, keyed by (SIREN, request). Each is named once with an envelope number from
 * `transmitter_archive_numbers` and recorded before it is first sent, so that every attempt sends the
 * same bytes; `sent_at` says the State took it. `id_acte` and `date_courrier_pref` name the letter an
 * answer quotes, which is how the préfecture's 3-5 / 4-5 names it back.
 */
export class CreateTransmitterMessages1764420000000 implements MigrationInterface {
  readonly name = 'CreateTransmitterMessages1764420000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE transmitter_messages (
        file_name          text        PRIMARY KEY,
        code               text        NOT NULL CHECK (code IN ('2-2', '3-2', '3-3', '3-4', '4-2', '4-3', '4-4', '7-1')),
        siren              text        NOT NULL,
        transmission_id    text,
        exchange           integer     CHECK (exchange >= 1),
        id_acte            text,
        date_courrier_pref date,
        request_id         text,
        day                date        NOT NULL,
        number             integer     NOT NULL,
        sha256             text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        size               bigint      NOT NULL CHECK (size >= 1),
        sent_at            timestamptz,
        created_at         timestamptz NOT NULL DEFAULT now(),
        UNIQUE (siren, day, number),
        CHECK (
          (code = '7-1' AND request_id IS NOT NULL AND transmission_id IS NULL AND exchange IS NULL)
          OR (code <> '7-1' AND request_id IS NULL AND transmission_id IS NOT NULL AND exchange IS NOT NULL
              AND id_acte IS NOT NULL AND date_courrier_pref IS NOT NULL)
        )
      )`);
    await runner.query(
      'CREATE UNIQUE INDEX transmitter_messages_reply ON transmitter_messages (transmission_id, exchange, code) WHERE transmission_id IS NOT NULL',
    );
    await runner.query(
      'CREATE UNIQUE INDEX transmitter_messages_classification ON transmitter_messages (siren, request_id) WHERE request_id IS NOT NULL',
    );
    await runner.query('CREATE INDEX transmitter_messages_letter ON transmitter_messages (id_acte, date_courrier_pref) WHERE id_acte IS NOT NULL');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS transmitter_messages');
  }
}
