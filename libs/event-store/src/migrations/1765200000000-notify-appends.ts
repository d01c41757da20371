import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A NOTIFY on `relais_events_appended` when a transaction that appended commits (once per statement;
 * PostgreSQL folds a transaction's identical notifications into one), so that the relay wakes at once
 * instead of at its next poll: a hop of the pipeline costs a commit, not half a poll interval.
 */
export class NotifyAppends1765200000000 implements MigrationInterface {
  readonly name = 'NotifyAppends1765200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE FUNCTION relais_events_appended() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('relais_events_appended', '');
        RETURN NULL;
      END $$`);
    await runner.query(`
      CREATE TRIGGER events_appended AFTER INSERT ON events
        FOR EACH STATEMENT EXECUTE FUNCTION relais_events_appended()`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TRIGGER IF EXISTS events_appended ON events');
    await runner.query('DROP FUNCTION IF EXISTS relais_events_appended()');
  }
}
