import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The transmissions read model: one row per transmission, the API's shape in `view`, and the columns
 * the list filters on. Each list index ends in (created_at, id), the keyset order of paging.
 */
export class CreateTransmissions1764360000000 implements MigrationInterface {
  readonly name = 'CreateTransmissions1764360000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE transmissions (
        id            text        PRIMARY KEY,
        siren         text        NOT NULL,
        kind          text        NOT NULL CHECK (kind IN ('acte', 'pes')),
        status        text        NOT NULL,
        created_at    timestamptz NOT NULL,
        updated_at    timestamptz NOT NULL,
        view          jsonb       NOT NULL CHECK (jsonb_typeof(view) = 'object'),
        last_position bigint      NOT NULL
      )`);
    await runner.query('CREATE INDEX transmissions_page ON transmissions (created_at, id)');
    await runner.query('CREATE INDEX transmissions_siren_page ON transmissions (siren, created_at, id)');
    await runner.query('CREATE INDEX transmissions_status_page ON transmissions (status, created_at, id)');
    await runner.query('CREATE INDEX transmissions_kind_page ON transmissions (kind, created_at, id)');
    await runner.query('CREATE INDEX transmissions_siren_status_page ON transmissions (siren, status, created_at, id)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS transmissions');
  }
}
