import { randomUUID } from 'node:crypto';
import { runMigrations, type Queryable } from '@relais/event-store';
import type pg from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/*
 * Collectivités' webhook registrations: the table `webhooks`, which the gateway writes (register,
 * list, remove) and the notifier reads (whom to tell, with which secret). Both apply its migration.
 * The secret is kept as given, because the notifier signs every delivery with it (HMAC-SHA256); it is
 * never read back through the API.
 */

/** The most webhooks one collectivité may have at once. */
export const MAX_WEBHOOKS_PER_COLLECTIVITE = 10;

/** A registration as the API shows it: never its secret. */
export interface Webhook {
  readonly id: string;
  readonly siren: string;
  readonly url: string;
  /** ISO 8601 UTC. */
  readonly createdAt: string;
}

/** A registration as the notifier needs it: with the secret it signs with. */
export interface ActiveWebhook extends Webhook {
  readonly secret: string;
}

/** The table `webhooks`; a removal only sets `deleted_at`, so that past deliveries keep their webhook. */
export class CreateWebhooks1764500000000 implements MigrationInterface {
  readonly name = 'CreateWebhooks1764500000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE webhooks (
        id         uuid        PRIMARY KEY,
        siren      text        NOT NULL CHECK (siren ~ '^[0-9]{9}$'),
        url        text        NOT NULL,
        secret     text        NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz NULL
      )`);
    await runner.query('CREATE INDEX webhooks_active_by_siren ON webhooks (siren, created_at) WHERE deleted_at IS NULL');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS webhooks');
  }
}

/** Creates or upgrades the table `webhooks` (history in `webhooks_migrations`); idempotent. */
export function migrateWebhooks(pool: pg.Pool): Promise<void> {
  return runMigrations(pool, { migrations: [CreateWebhooks1764500000000], tableName: 'webhooks_migrations' });
}

interface WebhookRow {
  id: string;
  siren: string;
  url: string;
  secret: string;
  created_at: Date;
}

function toWebhook(row: WebhookRow): Webhook {
  return { id: row.id, siren: row.siren, url: row.url, createdAt: row.created_at.toISOString() };
}

/**
 * Registers a webhook of `siren`; undefined when the collectivité already has
 * {@link MAX_WEBHOOKS_PER_COLLECTIVITE} active ones. Check the URL and the secret before calling.
 */
export async function createWebhook(
  db: Queryable,
  registration: { readonly siren: string; readonly url: string; readonly secret: string },
): Promise<Webhook | undefined> {
  const { rows } = await db.query<WebhookRow>(
    `INSERT INTO webhooks (id, siren, url, secret)
     SELECT $1, $2, $3, $4
      WHERE (SELECT count(*) FROM webhooks WHERE siren = $2 AND deleted_at IS NULL) < $5
     RETURNING id, siren, url, secret, created_at`,
    [randomUUID(), registration.siren, registration.url, registration.secret, MAX_WEBHOOKS_PER_COLLECTIVITE],
  );
  const row = rows[0];
  return row === undefined ? undefined : toWebhook(row);
}

/** The active webhooks of `siren`, oldest first, without their secrets. */
export async function listWebhooks(db: Queryable, siren: string): Promise<Webhook[]> {
  const { rows } = await db.query<WebhookRow>(
    'SELECT id, siren, url, secret, created_at FROM webhooks WHERE siren = $1 AND deleted_at IS NULL ORDER BY created_at, id',
    [siren],
  );
  return rows.map(toWebhook);
}

/** Removes webhook `id` of `siren`; false when it is not one of its active webhooks. */
export async function deleteWebhook(db: Queryable, siren: string, id: string): Promise<boolean> {
  const result = await db.query('UPDATE webhooks SET deleted_at = now() WHERE id = $1 AND siren = $2 AND deleted_at IS NULL', [id, siren]);
  return result.rowCount === 1;
}

/** The active webhooks of `siren` with their secrets, oldest first: whom the notifier tells. */
/**
 * Whether any collectivité has an active webhook, and the database time the answer holds for (the
 * statement's start: webhooks committed before it are seen).
 */
export async function anyActiveWebhook(db: Queryable): Promise<{ readonly present: boolean; readonly asOf: Date }> {
  const { rows } = await db.query<{ present: boolean; as_of: Date }>(
    'SELECT EXISTS (SELECT 1 FROM webhooks WHERE deleted_at IS NULL) AS present, statement_timestamp() AS as_of',
  );
  const row = rows[0];
  if (row === undefined) throw new Error('no answer to the webhook presence query');
  return { present: row.present, asOf: row.as_of };
}

export async function activeWebhooks(db: Queryable, siren: string): Promise<ActiveWebhook[]> {
  const { rows } = await db.query<WebhookRow>(
    'SELECT id, siren, url, secret, created_at FROM webhooks WHERE siren = $1 AND deleted_at IS NULL ORDER BY created_at, id',
    [siren],
  );
  return rows.map((row) => ({ ...toWebhook(row), secret: row.secret }));
}
