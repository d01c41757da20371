import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox of e-mail notices: one row per event and named user, unique on that pair so that a
 * redelivered or republished event queues nothing twice. The subject and text are stored as queued
 * (no personal data in them); the address is not: it is read from `users` at each attempt, so a
 * disabled user gets nothing and a changed address is used.
 *
 * States: `pending` (to send at `next_attempt_at`, or held until then by an attempt in flight), `sent`
 * (the SMTP server took it), `dead` (refused for good, or still failing after the retry window),
 * `cancelled` (its user was disabled or removed before it could go).
 */
export class CreateNoticeMails1765000100000 implements MigrationInterface {
  readonly name = 'CreateNoticeMails1765000100000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE notice_mails (
        id              uuid        PRIMARY KEY,
        event_id        text        NOT NULL,
        user_id         uuid        NOT NULL,
        transmission_id text        NOT NULL,
        message_id      text        NOT NULL,
        subject         text        NOT NULL,
        body            text        NOT NULL,
        state           text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dead', 'cancelled')),
        attempts        integer     NOT NULL DEFAULT 0,
        created_at      timestamptz NOT NULL DEFAULT now(),
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_attempt_at timestamptz NULL,
        last_error      text        NULL,
        sent_at         timestamptz NULL,
        UNIQUE (event_id, user_id)
      )`);
    await runner.query(`CREATE INDEX notice_mails_due ON notice_mails (next_attempt_at) WHERE state = 'pending'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS notice_mails');
  }
}
