import type { Queryable } from '@relais/event-store';
import { deterministicUuid } from '@relais/service-kit';
import type pg from 'pg';
import type { NoticeMail } from './notice-mail.js';

/** A notice to add to the outbox. */
export interface NewNoticeMail extends NoticeMail {
  readonly eventId: string;
  readonly userId: string;
  readonly transmissionId: string;
}

/** A notice the sender holds for one attempt, with the address it goes to (undefined: the user is disabled or gone). */
export interface ClaimedNoticeMail extends NewNoticeMail {
  readonly id: string;
  readonly email: string | undefined;
  /** Attempts made before this one. */
  readonly attempts: number;
  readonly createdAt: Date;
}

/** One row, as tests and operators look at it. */
export interface NoticeMailRow {
  readonly userId: string;
  readonly eventId: string;
  readonly messageId: string;
  readonly state: 'pending' | 'sent' | 'dead' | 'cancelled';
  readonly attempts: number;
  readonly lastError: string | null;
}

/** The id of a notice: the same for an event and a user whoever computes it, whenever. */
export function noticeMailIdOf(eventId: string, userId: string): string {
  return deterministicUuid(`notice-mail|${eventId}|${userId}`);
}

/** Adds notices in the caller's transaction; one already there (same event and user) is left as it is. Resolves to the number added. */
export async function addNoticeMails(client: Queryable, mails: readonly NewNoticeMail[]): Promise<number> {
  if (mails.length === 0) return 0;
  // In id order, so that two transactions adding the same notices wait on each other instead of deadlocking.
  const sorted = [...mails].map((m) => ({ ...m, id: noticeMailIdOf(m.eventId, m.userId) })).sort((a, b) => a.id.localeCompare(b.id));
  const result = await client.query(
    `INSERT INTO notice_mails (id, event_id, user_id, transmission_id, message_id, subject, body)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[])
     ON CONFLICT DO NOTHING`,
    [
      sorted.map((m) => m.id),
      sorted.map((m) => m.eventId),
      sorted.map((m) => m.userId),
      sorted.map((m) => m.transmissionId),
      sorted.map((m) => m.messageId),
      sorted.map((m) => m.subject),
      sorted.map((m) => m.text),
    ],
  );
  return result.rowCount ?? 0;
}

interface ClaimedRow {
  id: string;
  event_id: string;
  user_id: string;
  transmission_id: string;
  message_id: string;
  subject: string;
  body: string;
  attempts: number;
  created_at: Date;
  email: string | null;
}

/** The sender's queries on the outbox of notices. */
export class NoticeOutbox {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * Takes up to `limit` due notices, each held for `leaseMs` (its `next_attempt_at` moved on): another
   * sender, or this one after a crash, takes it again only once the lease ran out. Each comes with its
   * user's address, read now, if the user is still active.
   */
  async claim(limit: number, leaseMs: number): Promise<ClaimedNoticeMail[]> {
    const { rows } = await this.pool.query<ClaimedRow>(
      `WITH due AS (
         SELECT id FROM notice_mails WHERE state = 'pending' AND next_attempt_at <= now()
          ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED
       )
       UPDATE notice_mails m SET next_attempt_at = now() + $2::integer * interval '1 millisecond'
         FROM due WHERE m.id = due.id
       RETURNING m.id, m.event_id, m.user_id, m.transmission_id, m.message_id, m.subject, m.body, m.attempts, m.created_at,
                 (SELECT u.email FROM users u WHERE u.id = m.user_id AND u.disabled_at IS NULL) AS email`,
      [limit, leaseMs],
    );
    return rows.map((row) => ({
      id: row.id,
      eventId: row.event_id,
      userId: row.user_id,
      transmissionId: row.transmission_id,
      messageId: row.message_id,
      subject: row.subject,
      text: row.body,
      attempts: row.attempts,
      createdAt: row.created_at,
      email: row.email ?? undefined,
    }));
  }

  /** The SMTP server took it. */
  async sent(id: string): Promise<void> {
    await this.pool.query(
      `UPDATE notice_mails SET state = 'sent', attempts = attempts + 1, last_attempt_at = now(), sent_at = now(), last_error = NULL
        WHERE id = $1 AND state = 'pending'`,
      [id],
    );
  }

  /** Its user was disabled or removed before it could go. */
  async cancelled(id: string): Promise<void> {
    await this.pool.query(`UPDATE notice_mails SET state = 'cancelled', last_error = 'the user is disabled' WHERE id = $1 AND state = 'pending'`, [id]);
  }

  /**
   * A failed attempt: tried again after `delayMs`, unless the refusal is `permanent` (an SMTP 5xx) or
   * the notice is older than `giveUpAfterMs`, in which case it is dead. Resolves to its state.
   */
  async failed(id: string, error: string, options: { readonly delayMs: number; readonly giveUpAfterMs: number; readonly permanent: boolean }): Promise<'pending' | 'dead' | undefined> {
    const { rows } = await this.pool.query<{ state: 'pending' | 'dead' }>(
      `UPDATE notice_mails
          SET attempts = attempts + 1, last_attempt_at = now(), last_error = left($2, 1000),
              state = CASE WHEN $5::boolean OR now() - created_at >= $3::bigint * interval '1 millisecond' THEN 'dead' ELSE 'pending' END,
              next_attempt_at = now() + $4::integer * interval '1 millisecond'
        WHERE id = $1 AND state = 'pending'
       RETURNING state`,
      [id, error, options.giveUpAfterMs, options.delayMs, options.permanent],
    );
    return rows[0]?.state;
  }

  /** How many notices wait (for health). */
  async pendingCount(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>("SELECT count(*) AS n FROM notice_mails WHERE state = 'pending'");
    return Number(rows[0]?.n ?? 0);
  }

  /** Every notice about a transmission, by user then event. */
  async ofTransmission(transmissionId: string): Promise<NoticeMailRow[]> {
    const { rows } = await this.pool.query<{ user_id: string; event_id: string; message_id: string; state: NoticeMailRow['state']; attempts: number; last_error: string | null }>(
      'SELECT user_id, event_id, message_id, state, attempts, last_error FROM notice_mails WHERE transmission_id = $1 ORDER BY user_id, created_at, event_id',
      [transmissionId],
    );
    return rows.map((row) => ({ userId: row.user_id, eventId: row.event_id, messageId: row.message_id, state: row.state, attempts: row.attempts, lastError: row.last_error }));
  }
}
