import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Queryable } from '@relais/event-store';
import type pg from 'pg';
import { GROUP_SIRENS_SQL, principalGroup } from '../groups/followed-sirens.js';
import { PG_POOL } from '../tokens.js';
import type { Principal } from './principal.js';
import { generateToken, hashToken, isRole, sameHash, type Role } from './token.js';

/** A token as the admin API shows it once, at creation. */
export interface IssuedToken {
  readonly id: string;
  readonly token: string;
  readonly role: Role;
  readonly siren?: string;
  readonly label?: string;
  readonly expiresAt?: string;
  /** The named user it was issued to. */
  readonly userId?: string;
}

/** Where a token stands in its life: usable, or why not. */
export type TokenState = 'active' | 'expired' | 'revoked';

/** A token as an administrator lists it: never its secret. */
export interface TokenInfo {
  readonly id: string;
  readonly role: Role;
  readonly siren?: string;
  readonly label?: string;
  readonly state: TokenState;
  readonly createdAt: string;
  readonly expiresAt?: string;
  readonly revokedAt?: string;
  /** To the minute at best: the use is written at most once a minute per token and gateway replica. */
  readonly lastUsedAt?: string;
  /** The token this one was rotated from, and the one it was rotated to. */
  readonly replaces?: string;
  readonly replacedBy?: string;
  readonly userId?: string;
}

/** Which tokens to list. */
export interface TokenFilter {
  readonly siren?: string;
  /** Any of these collectivités' (a group administrator's). */
  readonly sirens?: readonly string[];
  readonly role?: Role;
  readonly state?: TokenState;
  readonly limit: number;
}

/** A rotation's outcome: the new token (shown once), and until when the old one still works. */
export interface RotatedToken extends IssuedToken {
  readonly replaces: string;
  readonly previousExpiresAt: string;
}

/** Why a token cannot be rotated. */
export type RotationRefusal = 'not_found' | 'not_active' | 'already_rotated';

interface InfoRow {
  id: string;
  role: Role;
  siren: string | null;
  label: string | null;
  state: TokenState;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
  replaces: string | null;
  replaced_by: string | null;
  user_id: string | null;
}

const INFO_COLUMNS = `t.id, t.role, t.siren, t.label,
  CASE WHEN t.revoked_at IS NOT NULL THEN 'revoked' WHEN t.expires_at IS NOT NULL AND t.expires_at <= now() THEN 'expired' ELSE 'active' END AS state,
  t.created_at, t.expires_at, t.revoked_at, t.last_used_at, t.replaces, t.user_id,
  (SELECT n.id FROM api_tokens n WHERE n.replaces = t.id) AS replaced_by`;

function infoOf(row: InfoRow): TokenInfo {
  return {
    id: row.id,
    role: row.role,
    ...(row.siren === null ? {} : { siren: row.siren }),
    ...(row.label === null ? {} : { label: row.label }),
    state: row.state,
    createdAt: row.created_at.toISOString(),
    ...(row.expires_at === null ? {} : { expiresAt: row.expires_at.toISOString() }),
    ...(row.revoked_at === null ? {} : { revokedAt: row.revoked_at.toISOString() }),
    ...(row.last_used_at === null ? {} : { lastUsedAt: row.last_used_at.toISOString() }),
    ...(row.replaces === null ? {} : { replaces: row.replaces }),
    ...(row.replaced_by === null ? {} : { replacedBy: row.replaced_by }),
    ...(row.user_id === null ? {} : { userId: row.user_id }),
  };
}

/** What a principal says of the named user behind its token. */
export function principalUser(userId: string | null, collectiviteAdmin: boolean | null): { userId?: string; collectiviteAdmin?: boolean } {
  return userId === null ? {} : { userId, collectiviteAdmin: collectiviteAdmin === true };
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
  user_id: string | null;
  collectivite_admin: boolean | null;
  group_sirens: string[] | null;
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
    {
      id = randomUUID(),
      db = this.pool,
      label,
      replaces,
      userId,
    }: { readonly id?: string; readonly db?: Queryable; readonly label?: string; readonly replaces?: string; readonly userId?: string } = {},
  ): Promise<IssuedToken> {
    const token = generateToken();
    await db.query(
      'INSERT INTO api_tokens (id, role, siren, token_hash, expires_at, label, replaces, user_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      [id, role, siren ?? null, hashToken(token), expiresAt ?? null, label ?? null, replaces ?? null, userId ?? null],
    );
    return {
      id,
      token,
      role,
      ...(siren === undefined ? {} : { siren }),
      ...(userId === undefined ? {} : { userId }),
      ...(label === undefined ? {} : { label }),
      ...(expiresAt === undefined ? {} : { expiresAt: expiresAt.toISOString() }),
    };
  }

  /** Tokens, newest first, filtered; never their secrets. */
  async list(filter: TokenFilter): Promise<TokenInfo[]> {
    const { rows } = await this.pool.query<InfoRow>(
      `SELECT * FROM (SELECT ${INFO_COLUMNS} FROM api_tokens t
                       WHERE ($1::text IS NULL OR t.siren = $1) AND ($2::text IS NULL OR t.role = $2)
                         AND ($5::text[] IS NULL OR t.siren = ANY($5::text[]))) listed
        WHERE $3::text IS NULL OR state = $3
        ORDER BY created_at DESC, id LIMIT $4`,
      [filter.siren ?? null, filter.role ?? null, filter.state ?? null, filter.limit, filter.sirens ?? null],
    );
    return rows.map(infoOf);
  }

  /** One token as the list shows it, or undefined. */
  async describe(id: string): Promise<TokenInfo | undefined> {
    const { rows } = await this.pool.query<InfoRow>(`SELECT ${INFO_COLUMNS} FROM api_tokens t WHERE t.id = $1`, [id]);
    const row = rows[0];
    return row === undefined ? undefined : infoOf(row);
  }

  /**
   * Rotation without downtime: a new token with the same role, collectivité and label, and the old one
   * still working for `graceMs` (then expired, as if it had been issued so; never later than it would
   * have expired anyway). Both rows change in the caller's transaction `db`, the old one locked first,
   * so two rotations of one token cannot both succeed.
   */
  async rotate(
    id: string,
    graceMs: number,
    expiresAt: Date | undefined,
    { newId = randomUUID(), db }: { readonly newId?: string; readonly db: Queryable },
  ): Promise<RotatedToken | RotationRefusal> {
    const { rows } = await db.query<InfoRow>(`SELECT ${INFO_COLUMNS} FROM api_tokens t WHERE t.id = $1 FOR UPDATE OF t`, [id]);
    const old = rows[0];
    if (old === undefined) return 'not_found';
    if (old.state !== 'active') return 'not_active';
    if (old.replaced_by !== null) return 'already_rotated';
    const { rows: updated } = await db.query<{ expires_at: Date }>(
      `UPDATE api_tokens SET expires_at = least(coalesce(expires_at, 'infinity'), now() + $2 * interval '1 millisecond')
        WHERE id = $1 RETURNING expires_at`,
      [id, graceMs],
    );
    const issued = await this.issue(old.role, old.siren ?? undefined, expiresAt, {
      id: newId,
      db,
      replaces: id,
      ...(old.label === null ? {} : { label: old.label }),
      ...(old.user_id === null ? {} : { userId: old.user_id }),
    });
    return { ...issued, replaces: id, previousExpiresAt: (updated[0]?.expires_at ?? new Date()).toISOString() };
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
      `SELECT t.id, t.role, t.siren, t.token_hash, t.revoked_at IS NOT NULL AS revoked,
              (t.expires_at IS NOT NULL AND t.expires_at <= now()) AS expired, t.user_id, u.collectivite_admin, ${GROUP_SIRENS_SQL}
         FROM api_tokens t LEFT JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1`,
      [hash],
    );
    const row = rows[0];
    if (row === undefined || !sameHash(row.token_hash, hash) || !isRole(row.role)) return 'unknown';
    if (row.revoked) return 'revoked';
    if (row.expired) return 'expired';
    this.touch(row.id);
    return {
      tokenId: row.id,
      role: row.role,
      siren: row.siren ?? undefined,
      ...principalUser(row.user_id, row.collectivite_admin),
      ...principalGroup(row.siren, row.group_sirens),
    };
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
