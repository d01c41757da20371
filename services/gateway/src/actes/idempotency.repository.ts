import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import { PG_POOL } from '../tokens.js';

/** The first answer given under a key, replayed as it was. */
export interface StoredAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** What reserving a key found. */
export type Reservation =
  | { readonly kind: 'reserved'; readonly owner: string }
  | { readonly kind: 'replay'; readonly answer: StoredAnswer }
  | { readonly kind: 'in_progress' };

/**
 * A reservation is a lease: the request holding it renews it every {@link RESERVATION_RENEW_MS} while
 * it works (a large upload may take minutes), and one not renewed for {@link RESERVATION_LEASE_MS}
 * (its process died: a crash, a SIGKILL, the database gone before the key could be released) is taken
 * over by the next request with the key. A client retrying after a crash so waits seconds, not the
 * quarter of an hour a fixed abandonment delay made it wait (409 IDEMPOTENCY.IN_PROGRESS all along,
 * found by the fault-injection suite). The request that takes over decides again under the same
 * transmission id, so even a first request still alive (a process stalled past its lease) cannot make
 * a second transmission.
 */
export const RESERVATION_LEASE_MS = 20_000;
export const RESERVATION_RENEW_MS = 5_000;

/**
 * Idempotency keys: a key is reserved (primary key `(scope, key)`) before any work, so that of two
 * concurrent requests with the same key only one proceeds; the answer is stored when done.
 */
@Injectable()
export class IdempotencyRepository {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  async reserve(scope: string, key: string): Promise<Reservation> {
    for (;;) {
      const owner = randomUUID();
      const inserted = await this.pool.query(
        `INSERT INTO idempotency_keys (scope, key, owner) VALUES ($1, $2, $3) ON CONFLICT (scope, key) DO NOTHING`,
        [scope, key, owner],
      );
      if (inserted.rowCount === 1) return { kind: 'reserved', owner };
      const takenOver = await this.pool.query(
        `UPDATE idempotency_keys SET owner = $3, reserved_at = now()
          WHERE scope = $1 AND key = $2 AND completed_at IS NULL AND reserved_at < now() - $4::integer * interval '1 millisecond'`,
        [scope, key, owner, RESERVATION_LEASE_MS],
      );
      if (takenOver.rowCount === 1) return { kind: 'reserved', owner };
      const { rows } = await this.pool.query<{ status: number | null; body: unknown }>(
        'SELECT status, body FROM idempotency_keys WHERE scope = $1 AND key = $2',
        [scope, key],
      );
      const row = rows[0];
      // Released between the two statements: try to reserve it again.
      if (row === undefined) continue;
      return row.status === null ? { kind: 'in_progress' } : { kind: 'replay', answer: { status: row.status, body: row.body } };
    }
  }

  /** Renews the lease of a reservation still held by `owner` (see {@link RESERVATION_LEASE_MS}). */
  async renew(scope: string, key: string, owner: string): Promise<void> {
    await this.pool.query('UPDATE idempotency_keys SET reserved_at = now() WHERE scope = $1 AND key = $2 AND owner = $3 AND completed_at IS NULL', [
      scope,
      key,
      owner,
    ]);
  }

  /** Stores the answer of the request that holds the reservation. */
  async complete(scope: string, key: string, owner: string, answer: StoredAnswer): Promise<void> {
    await this.pool.query(
      `UPDATE idempotency_keys SET status = $4, body = $5::jsonb, completed_at = now()
        WHERE scope = $1 AND key = $2 AND owner = $3`,
      [scope, key, owner, answer.status, JSON.stringify(answer.body)],
    );
  }

  /** Gives the key up after a failure that says nothing final (a 5xx), so a retry can proceed. */
  async release(scope: string, key: string, owner: string): Promise<void> {
    await this.pool.query('DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND owner = $3 AND completed_at IS NULL', [
      scope,
      key,
      owner,
    ]);
  }
}
