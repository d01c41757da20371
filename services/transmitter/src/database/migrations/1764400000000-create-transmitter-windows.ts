import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The volume each endpoint took per transmission window (S²LOW's "fenêtres de transmission"): one
 * row per endpoint and window, `window_start` being the window's start (fixed windows aligned on the
 * epoch). `bytes_used` only grows, by one atomic statement per reservation, so that replicas sharing
 * the database never let a window take more than its cap.
 */
export class CreateTransmitterWindows1764400000000 implements MigrationInterface {
  readonly name = 'CreateTransmitterWindows1764400000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE transmitter_window_usage (
        endpoint_id  text        NOT NULL,
        window_start timestamptz NOT NULL,
        bytes_used   bigint      NOT NULL CHECK (bytes_used >= 0),
        PRIMARY KEY (endpoint_id, window_start)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS transmitter_window_usage');
  }
}
