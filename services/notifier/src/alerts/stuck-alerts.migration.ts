import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The alerts about stuck transmissions: one row per stall (a transmission, the status it waits in and
 * since when), so a stall is alerted once whatever the number of scans and replicas; `sent_at` null
 * while the e-mail is still to go.
 */
export class CreateStuckAlerts1764800000000 implements MigrationInterface {
  readonly name = 'CreateStuckAlerts1764800000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE stuck_alerts (
        transmission_id text        NOT NULL,
        status          text        NOT NULL,
        status_at       timestamptz NOT NULL,
        kind            text        NOT NULL,
        siren           text        NOT NULL,
        label           text        NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        sent_at         timestamptz NULL,
        attempts        integer     NOT NULL DEFAULT 0,
        last_error      text        NULL,
        PRIMARY KEY (transmission_id, status, status_at)
      )`);
    await runner.query('CREATE INDEX stuck_alerts_pending ON stuck_alerts (created_at) WHERE sent_at IS NULL');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS stuck_alerts');
  }
}
