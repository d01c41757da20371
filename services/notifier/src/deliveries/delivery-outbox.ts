import { CreateStuckAlerts1764800000000 } from '../alerts/stuck-alerts.migration.js';
import { CreateNoticeMails1765000100000 } from '../notices/notice-mails.migration.js';
import { runMigrations, type Queryable } from '@relais/event-store';
import { deterministicUuid } from '@relais/service-kit';
import type pg from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox of deliveries: one row per notification and webhook, written in the same transaction as
 * the inbox row of the event that caused it, and updated by the sender after each attempt. A row
 * survives restarts; its id is the delivery id the receiver sees on every attempt. `transmission_id`
 * is the ordering line: a transmission's id, or `pesretours-<siren>` for PES_Retour arrivals.
 *
 * States: `pending` (to send; `next_attempt_at` is when, or until when an attempt in flight holds it),
 * `delivered` (a 2xx answer), `dead` (given up after the retry window; logged), `cancelled` (its
 * webhook was removed before it got through).
 */
export class CreateWebhookDeliveries1764500100000 implements MigrationInterface {
  readonly name = 'CreateWebhookDeliveries1764500100000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE webhook_deliveries (
        id              uuid        PRIMARY KEY,
        webhook_id      uuid        NOT NULL REFERENCES webhooks (id),
        transmission_id text        NOT NULL,
        sequence        bigint      NOT NULL,
        event_id        text        NOT NULL,
        event_type      text        NOT NULL,
        body            text        NOT NULL,
        state           text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead', 'cancelled')),
        attempts        integer     NOT NULL DEFAULT 0,
        created_at      timestamptz NOT NULL DEFAULT now(),
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_attempt_at timestamptz NULL,
        last_error      text        NULL,
        delivered_at    timestamptz NULL,
        UNIQUE (webhook_id, event_id),
        UNIQUE (webhook_id, transmission_id, sequence)
      )`);
    await runner.query(`
      CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (webhook_id, transmission_id, sequence)
       WHERE state = 'pending'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS webhook_deliveries');
  }
}

/** Creates or upgrades the notifier's tables (history in `notifier_migrations`); run after `migrateWebhooks`. */
export function migrateNotifier(pool: pg.Pool): Promise<void> {
  return runMigrations(pool, { migrations: [CreateWebhookDeliveries1764500100000, CreateStuckAlerts1764800000000, CreateNoticeMails1765000100000], tableName: 'notifier_migrations' });
}

/** The delivery id of an event's notification to a webhook: the same whoever computes it, whenever. */
export function deliveryIdOf(eventId: string, webhookId: string): string {
  return deterministicUuid(`webhook-delivery|${eventId}|${webhookId}`);
}

/** A delivery to add to the outbox. */
export interface NewDelivery {
  readonly id: string;
  readonly webhookId: string;
  /** The ordering line: a transmission's id, or `pesretours-<siren>` for a collectivité's PES_Retour arrivals. */
  readonly transmissionId: string;
  readonly sequence: number;
  readonly eventId: string;
  readonly eventType: string;
  readonly body: string;
}

/** A delivery the sender holds for one attempt, with where and how to sign it. */
export interface ClaimedDelivery {
  readonly id: string;
  readonly webhookId: string;
  readonly transmissionId: string;
  readonly sequence: number;
  readonly eventType: string;
  readonly body: string;
  /** Attempts made before this one. */
  readonly attempts: number;
  readonly createdAt: Date;
  readonly url: string;
  readonly secret: string;
}

/** One row, as tests and operators look at it. */
export interface DeliveryRow {
  readonly id: string;
  readonly webhookId: string;
  readonly transmissionId: string;
  readonly sequence: number;
  readonly eventType: string;
  readonly state: 'pending' | 'delivered' | 'dead' | 'cancelled';
  readonly attempts: number;
  readonly lastError: string | null;
}

/**
 * Adds deliveries, in the caller's transaction; one already there (same event and webhook) is left as
 * it is. Rows go in (transmission, sequence, webhook) order, so that two transactions adding
 * overlapping sets wait on each other instead of deadlocking. Resolves to the number added.
 */
export async function addDeliveries(client: Queryable, deliveries: readonly NewDelivery[]): Promise<number> {
  if (deliveries.length === 0) return 0;
  const sorted = [...deliveries].sort(
    (a, b) => a.transmissionId.localeCompare(b.transmissionId) || a.sequence - b.sequence || a.webhookId.localeCompare(b.webhookId),
  );
  const result = await client.query(
    `INSERT INTO webhook_deliveries (id, webhook_id, transmission_id, sequence, event_id, event_type, body)
     SELECT d.id, d.webhook_id, d.transmission_id, d.sequence, d.event_id, d.event_type, d.body
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY
            AS d(id, webhook_id, transmission_id, sequence, event_id, event_type, body, n)
      ORDER BY d.n
     ON CONFLICT DO NOTHING`,
    [
      sorted.map((d) => d.id),
      sorted.map((d) => d.webhookId),
      sorted.map((d) => d.transmissionId),
      sorted.map((d) => d.sequence),
      sorted.map((d) => d.eventId),
      sorted.map((d) => d.eventType),
      sorted.map((d) => d.body),
    ],
  );
  return result.rowCount ?? 0;
}

interface ClaimedRow {
  id: string;
  webhook_id: string;
  transmission_id: string;
  sequence: string;
  event_type: string;
  body: string;
  attempts: number;
  created_at: Date;
  url: string;
  secret: string;
}

interface StateRow {
  id: string;
  webhook_id: string;
  transmission_id: string;
  sequence: string;
  event_type: string;
  state: DeliveryRow['state'];
  attempts: number;
  last_error: string | null;
}

/** The sender's queries on the outbox. */
export class DeliveryOutbox {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * Takes up to `limit` deliveries that are due, at most one per transmission and webhook: the head of
   * each line, the pending one with the lowest sequence, so that a later notification never overtakes
   * an earlier one. Each is held for `leaseMs` (its `next_attempt_at` moved on): another sender, or
   * this one after a crash, takes it again only once the lease ran out. The update re-checks the row,
   * so two senders never both take it.
   */
  async claim(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const { rows } = await this.pool.query<ClaimedRow>(
      `WITH heads AS (
         SELECT DISTINCT ON (d.webhook_id, d.transmission_id) d.id, d.next_attempt_at
           FROM webhook_deliveries d
           JOIN webhooks w ON w.id = d.webhook_id AND w.deleted_at IS NULL
          WHERE d.state = 'pending'
          ORDER BY d.webhook_id, d.transmission_id, d.sequence
       ), due AS (
         SELECT id FROM heads WHERE next_attempt_at <= now() ORDER BY next_attempt_at LIMIT $1
       )
       UPDATE webhook_deliveries d
          SET next_attempt_at = now() + $2::integer * interval '1 millisecond'
         FROM due, webhooks w
        WHERE d.id = due.id AND w.id = d.webhook_id
          AND d.state = 'pending' AND d.next_attempt_at <= now()
       RETURNING d.id, d.webhook_id, d.transmission_id, d.sequence, d.event_type, d.body, d.attempts, d.created_at, w.url, w.secret`,
      [limit, leaseMs],
    );
    return rows.map((row) => ({
      id: row.id,
      webhookId: row.webhook_id,
      transmissionId: row.transmission_id,
      sequence: Number(row.sequence),
      eventType: row.event_type,
      body: row.body,
      attempts: row.attempts,
      createdAt: row.created_at,
      url: row.url,
      secret: row.secret,
    }));
  }

  /** A 2xx answer: the delivery is done, and the next one of its line becomes due. */
  async delivered(id: string): Promise<void> {
    await this.pool.query(
      `UPDATE webhook_deliveries
          SET state = 'delivered', attempts = attempts + 1, last_attempt_at = now(), delivered_at = now(), last_error = NULL
        WHERE id = $1 AND state = 'pending'`,
      [id],
    );
  }

  /**
   * A failed attempt: tried again after `delayMs`, unless the delivery is older than `giveUpAfterMs`,
   * in which case it is marked dead (and the next one of its line becomes due). Resolves to its state.
   */
  async failed(id: string, error: string, delayMs: number, giveUpAfterMs: number): Promise<'pending' | 'dead' | undefined> {
    const { rows } = await this.pool.query<{ state: 'pending' | 'dead' }>(
      `UPDATE webhook_deliveries
          SET attempts = attempts + 1, last_attempt_at = now(), last_error = left($2, 1000),
              state = CASE WHEN now() - created_at >= $3::bigint * interval '1 millisecond' THEN 'dead' ELSE 'pending' END,
              next_attempt_at = now() + $4::integer * interval '1 millisecond'
        WHERE id = $1 AND state = 'pending'
       RETURNING state`,
      [id, error, giveUpAfterMs, delayMs],
    );
    return rows[0]?.state;
  }

  /**
   * Deliveries whose attempt a stop cut short, their answer unknown: due again at once rather than when
   * their lease runs out, so that another sender takes them now (the receiver may get one twice, under
   * the same delivery id: at least once, never lost).
   */
  async release(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.pool.query(`UPDATE webhook_deliveries SET next_attempt_at = now() WHERE id = ANY($1::uuid[]) AND state = 'pending'`, [ids]);
  }

  /** Pending deliveries of removed webhooks are cancelled: nobody wants them any more. Resolves to how many. */
  async cancelRemoved(): Promise<number> {
    const result = await this.pool.query(
      `UPDATE webhook_deliveries SET state = 'cancelled'
        WHERE state = 'pending' AND webhook_id IN (SELECT id FROM webhooks WHERE deleted_at IS NOT NULL)`,
    );
    return result.rowCount ?? 0;
  }

  /** How many deliveries wait (for health). */
  async pendingCount(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>("SELECT count(*) AS n FROM webhook_deliveries WHERE state = 'pending'");
    return Number(rows[0]?.n ?? 0);
  }

  /** Every delivery of a webhook, line by line. */
  async ofWebhook(webhookId: string): Promise<DeliveryRow[]> {
    const { rows } = await this.pool.query<StateRow>(
      `SELECT id, webhook_id, transmission_id, sequence, event_type, state, attempts, last_error
         FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY transmission_id, sequence`,
      [webhookId],
    );
    return rows.map((row) => ({
      id: row.id,
      webhookId: row.webhook_id,
      transmissionId: row.transmission_id,
      sequence: Number(row.sequence),
      eventType: row.event_type,
      state: row.state,
      attempts: row.attempts,
      lastError: row.last_error,
    }));
  }
}
