import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What each named user wants to be e-mailed about: the statuses a transmission may reach and the
 * préfecture's messages (names checked by the API, not here, so that a new status needs no migration).
 * The gateway writes it (`PUT /api/v1/users/me/notices`); the notifier reads it with `users` to queue
 * the e-mails. `created_at` is when the user first asked: events recorded before it are not e-mailed.
 */
export class NoticePreferences1765000000000 implements MigrationInterface {
  readonly name = 'NoticePreferences1765000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE notice_preferences (
        user_id       uuid        PRIMARY KEY REFERENCES users (id),
        statuses      text[]      NOT NULL DEFAULT '{}',
        message_types text[]      NOT NULL DEFAULT '{}',
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS notice_preferences');
  }
}
