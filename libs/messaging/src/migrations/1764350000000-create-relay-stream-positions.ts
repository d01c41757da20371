import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Beside the event store's `checkpoints` row of a relay: the stream sequence of the same PubAck, so a
 * relay can tell a stream trimmed by its limits from one that lost its messages. A table of this
 * library, so the event store's schema stays its own. `IF NOT EXISTS`: databases made before this
 * library used TypeORM already have it.
 */
export class CreateRelayStreamPositions1764350000000 implements MigrationInterface {
  readonly name = 'CreateRelayStreamPositions1764350000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE IF NOT EXISTS relay_stream_positions (
        name       text        PRIMARY KEY,
        stream_seq bigint      NOT NULL CHECK (stream_seq >= 0),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS relay_stream_positions');
  }
}
