import { runMigrations, type Queryable } from '@relais/event-store';
import type pg from 'pg';
import { KeyRing } from './key-ring.js';
import { CreatePersonalDataKeys1764700000000 } from './migrations/1764700000000-create-personal-data-keys.js';
import { PrivacyError, PrivacyErrorCode } from './privacy.errors.js';
import { newKey } from './sealed-field.js';

/** Creates or upgrades the table `personal_data_keys` (history in `privacy_migrations`); idempotent. */
export function migratePrivacy(pool: pg.Pool): Promise<void> {
  return runMigrations(pool, { migrations: [CreatePersonalDataKeys1764700000000], tableName: 'privacy_migrations' });
}

/** A shredding as first asked: the one every retry carries out. */
export interface ShredRequest {
  readonly subjectId: string;
  readonly requestedAt: Date;
  readonly reason: string;
  readonly requestedBy: string;
  /** Once the key is destroyed. */
  readonly shreddedAt?: Date;
  /** Whether the subject ever had a key: none means nothing of it was sealed (stored before sealing began). */
  readonly hadKey: boolean;
}

interface RequestRow {
  subject_id: string;
  shred_requested_at: Date;
  reason: string;
  requested_by: string;
  shredded_at: Date | null;
  had_key: boolean;
}

function toRequest(row: RequestRow): ShredRequest {
  return {
    subjectId: row.subject_id,
    requestedAt: row.shred_requested_at,
    reason: row.reason,
    requestedBy: row.requested_by,
    ...(row.shredded_at === null ? {} : { shreddedAt: row.shredded_at }),
    hadKey: row.had_key,
  };
}

const REQUEST_COLUMNS = 'subject_id, shred_requested_at, reason, requested_by, shredded_at, had_key';

/**
 * The store of the keys that seal personal fields, one per subject, in `personal_data_keys` (never in
 * `events`). A key is made on first use and destroyed when the subject's personal data are shredded;
 * then no key is ever made for that subject again. The table keeps `NULL` where the key was, but
 * PostgreSQL keeps the old row version until VACUUM, and WAL archives and backups keep it until they
 * expire (docs/personal-data.md).
 */
export class PersonalDataKeys {
  constructor(private readonly db: Queryable) {}

  /**
   * The subject's key, made on its first use.
   * @throws PrivacyError `PRIVACY.PERSONAL_DATA_SHREDDED` once the subject's shredding was asked
   */
  async keyFor(subjectId: string): Promise<Buffer> {
    const made = await this.db.query<{ key: Buffer }>(
      'INSERT INTO personal_data_keys (subject_id, key) VALUES ($1, $2) ON CONFLICT (subject_id) DO NOTHING RETURNING key',
      [subjectId, newKey()],
    );
    const key = made.rows[0]?.key;
    if (key !== undefined) return key;
    const { rows } = await this.db.query<{ key: Buffer | null; shred_requested_at: Date | null }>(
      'SELECT key, shred_requested_at FROM personal_data_keys WHERE subject_id = $1',
      [subjectId],
    );
    const row = rows[0];
    if (row?.key === null || row?.key === undefined || row.shred_requested_at !== null) {
      throw new PrivacyError(PrivacyErrorCode.Shredded, `The personal data of ${subjectId} were shredded: nothing more is sealed for it`);
    }
    return row.key;
  }

  /** The keys of `subjectIds`, in one query, as a ring that opens their fields. */
  async ring(subjectIds: readonly string[]): Promise<KeyRing> {
    if (subjectIds.length === 0) return KeyRing.empty();
    const { rows } = await this.db.query<{ subject_id: string; key: Buffer | null }>(
      'SELECT subject_id, key FROM personal_data_keys WHERE subject_id = ANY($1::text[])',
      [[...new Set(subjectIds)]],
    );
    return new KeyRing(new Map(rows.map((row) => [row.subject_id, row.key])));
  }

  /**
   * Records that the subject's shredding is asked, before anything else is done, so that a crash
   * leaves a trace {@link unfinished} finds. The first request stands: asking again returns it. A
   * subject without a key gets a row without one, so that none is ever made for it.
   */
  async requestShred(subjectId: string, request: { readonly at: Date; readonly reason: string; readonly requestedBy: string }): Promise<ShredRequest> {
    await this.db.query(
      `INSERT INTO personal_data_keys AS k (subject_id, key, had_key, shred_requested_at, reason, requested_by)
       VALUES ($1, NULL, false, $2, $3, $4)
       ON CONFLICT (subject_id) DO UPDATE
         SET shred_requested_at = EXCLUDED.shred_requested_at, reason = EXCLUDED.reason, requested_by = EXCLUDED.requested_by
       WHERE k.shred_requested_at IS NULL`,
      [subjectId, request.at, request.reason, request.requestedBy],
    );
    const { rows } = await this.db.query<RequestRow>(`SELECT ${REQUEST_COLUMNS} FROM personal_data_keys WHERE subject_id = $1`, [subjectId]);
    const row = rows[0];
    if (row === undefined) throw new Error(`personal_data_keys has no row for ${subjectId} after its shredding was asked`);
    return toRequest(row);
  }

  /**
   * Destroys the subject's key (its shredding must have been asked): every value sealed with it reads
   * as nothing from now on. Idempotent; returns the request, now with `shreddedAt`.
   */
  async destroy(subjectId: string): Promise<ShredRequest> {
    const { rows } = await this.db.query<RequestRow>(
      `UPDATE personal_data_keys SET key = NULL, shredded_at = COALESCE(shredded_at, now())
        WHERE subject_id = $1 AND shred_requested_at IS NOT NULL
        RETURNING ${REQUEST_COLUMNS}`,
      [subjectId],
    );
    const row = rows[0];
    if (row === undefined) throw new Error(`the shredding of ${subjectId} was not asked: nothing is destroyed`);
    return toRequest(row);
  }

  /** Shreddings asked and not done (interrupted between recording the event and destroying the key), oldest first. */
  async unfinished(limit: number): Promise<ShredRequest[]> {
    const { rows } = await this.db.query<RequestRow>(
      `SELECT ${REQUEST_COLUMNS} FROM personal_data_keys
        WHERE shred_requested_at IS NOT NULL AND shredded_at IS NULL
        ORDER BY shred_requested_at, subject_id LIMIT $1`,
      [limit],
    );
    return rows.map(toRequest);
  }
}
