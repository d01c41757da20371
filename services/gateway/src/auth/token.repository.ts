import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Queryable } from '@relais/event-store';
import type pg from 'pg';
import { PG_POOL } from '../tokens.js';
import type { Principal } from './principal.js';
import { generateToken, hashToken, isRole, sameHash, type Role } from './token.js';

/** A token as the admin API shows it once, at creation. */
export interface IssuedToken {
  readonly id: string;
  readonly token: string;
  readonly role: Role;
  readonly siren?: string;
  readonly expiresAt?: string;
}

/** Why a presented token was refused. */
export type TokenRefusal = 'unknown' | 'revoked' | 'expired';

interface TokenRow {
  id: string;
  role: string;
  siren: string | null;
  token_hash: Buffer;
  revoked: boolean;
  expired: boolean;
}

/** How often, at most, a token's `last_used_at` is written: a write per request would double the load. */
const TOUCH_EVERY_MS = 60_000;

/** The `api_tokens` table: tokens stored as their SHA-256 only, looked up by it. */
@Injectable()
export class TokenRepository {
  private readonly touched = new Map<string, number>();

  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  /**
   * Makes a new token; the secret is returned here and never again. `id` is chosen by the caller when
   * it records the issue under it; `db` is the caller's transaction when the record goes with it.
   */
  async issue(
    role: Role,
    siren: string | undefined,
    expiresAt: Date | undefined,
    { id = randomUUID(), db = this.pool }: { readonly id?: string; readonly db?: Queryable } = {},
  ): Promise<IssuedToken> {
    const token = generateToken();
    await db.query(
      'INSERT INTO api_tokens (id, role, siren, token_hash, expires_at) VALUES ($1, $2, $3, $4, $5)',
      [id, role, siren ?? null, hashToken(token), expiresAt ?? null],
    );
    return {
      id,
      token,
      role,
      ...(siren === undefined ? {} : { siren }),
      ...(expiresAt === undefined ? {} : { expiresAt: expiresAt.toISOString() }),
    };
  }

  /**
   * Registers a token the operator chose or a file holds, as an administrator; a token already known
   * (even revoked: a revocation outlives restarts) is left as it is. Returns whether it was added.
   */
  async registerAdmin(token: string, { id = randomUUID(), db = this.pool }: { readonly id?: string; readonly db?: Queryable } = {}): Promise<boolean> {
    const { rowCount } = await db.query(
      `INSERT INTO api_tokens (id, role, token_hash) VALUES ($1, 'admin', $2) ON CONFLICT (token_hash) DO NOTHING`,
      [id, hashToken(token)],
    );
    return rowCount === 1;
  }

  /** The principal of a presented token, or why it is refused. Reads the table each time: a revocation acts at once. */
  async authenticate(token: string): Promise<Principal | TokenRefusal> {
    const hash = hashToken(token);
    const { rows } = await this.pool.query<TokenRow>(
      `SELECT id, role, siren, token_hash, revoked_at IS NOT NULL AS revoked,
              (expires_at IS NOT NULL AND expires_at <= now()) AS expired
         FROM api_tokens WHERE token_hash = $1`,
      [hash],
    );
    const row = rows[0];
    if (row === undefined || !sameHash(row.token_hash, hash) || !isRole(row.role)) return 'unknown';
    if (row.revoked) return 'revoked';
    if (row.expired) return 'expired';
    this.touch(row.id);
    return { tokenId: row.id, role: row.role, siren: row.siren ?? undefined };
  }

  /** Revokes a token; false when there is no such token. Revoking twice keeps the first date. */
  async revoke(id: string, db: Queryable = this.pool): Promise<boolean> {
    const { rowCount } = await db.query(
      'UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1',
      [id],
    );
    return rowCount === 1;
  }

  private touch(id: string): void {
    const now = Date.now();
    const last = this.touched.get(id);
    if (last !== undefined && now - last < TOUCH_EVERY_MS) return;
    this.touched.set(id, now);
    // Bookkeeping only: a failure here must not fail the request it rides on.
    void this.pool.query('UPDATE api_tokens SET last_used_at = now() WHERE id = $1', [id]).catch(() => undefined);
  }
}
