import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Queryable } from '@relais/event-store';
import type pg from 'pg';
import type { Role } from '../auth/token.js';
import { PG_POOL } from '../tokens.js';

/** A person using Relais, as administrators see them. */
export interface UserInfo {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  readonly siren?: string;
  /** Administers the users and tokens of their collectivité. */
  readonly collectiviteAdmin: boolean;
  /** The group of collectivités they follow (a group administrator). */
  readonly groupId?: string;
  readonly createdAt: string;
  readonly disabledAt?: string;
}

/** Who is being created. */
export interface NewUser {
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  readonly siren?: string;
  readonly collectiviteAdmin: boolean;
  readonly groupId?: string;
}

interface UserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  siren: string | null;
  collectivite_admin: boolean;
  group_id: string | null;
  created_at: Date;
  disabled_at: Date | null;
}

const COLUMNS = 'id, email, name, role, siren, collectivite_admin, group_id, created_at, disabled_at';

function infoOf(row: UserRow): UserInfo {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    ...(row.siren === null ? {} : { siren: row.siren }),
    collectiviteAdmin: row.collectivite_admin,
    ...(row.group_id === null ? {} : { groupId: row.group_id }),
    createdAt: row.created_at.toISOString(),
    ...(row.disabled_at === null ? {} : { disabledAt: row.disabled_at.toISOString() }),
  };
}

/** The `users` table. Every change goes through the caller's transaction, beside its administrative record. */
@Injectable()
export class UserRepository {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  /** Creates a user; undefined when the address is already taken. Addresses are kept in lower case. */
  async create(user: NewUser, { id = randomUUID(), db }: { readonly id?: string; readonly db: Queryable }): Promise<UserInfo | undefined> {
    const { rows } = await db.query<UserRow>(
      `INSERT INTO users (id, email, name, role, siren, collectivite_admin, group_id) VALUES ($1, lower($2), $3, $4, $5, $6, $7)
       ON CONFLICT (email) DO NOTHING RETURNING ${COLUMNS}`,
      [id, user.email, user.name, user.role, user.siren ?? null, user.collectiviteAdmin, user.groupId ?? null],
    );
    const row = rows[0];
    return row === undefined ? undefined : infoOf(row);
  }

  /** Users, by address; only those of the collectivités `sirens` when given. */
  async list(filter: { readonly sirens?: readonly string[]; readonly role?: Role }): Promise<UserInfo[]> {
    const { rows } = await this.pool.query<UserRow>(
      `SELECT ${COLUMNS} FROM users WHERE ($1::text[] IS NULL OR siren = ANY($1::text[])) AND ($2::text IS NULL OR role = $2) ORDER BY email LIMIT 5000`,
      [filter.sirens ?? null, filter.role ?? null],
    );
    return rows.map(infoOf);
  }

  /** One user, when it exists and (with `sirens`) belongs to one of those collectivités. */
  async find(id: string, sirens?: readonly string[], db: Queryable = this.pool): Promise<UserInfo | undefined> {
    const { rows } = await db.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE id = $1 AND ($2::text[] IS NULL OR siren = ANY($2::text[]))`, [
      id,
      sirens ?? null,
    ]);
    const row = rows[0];
    return row === undefined ? undefined : infoOf(row);
  }

  /** The active user with this address (kept in lower case), or undefined. */
  async findActiveByEmail(email: string): Promise<UserInfo | undefined> {
    const { rows } = await this.pool.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE email = lower($1) AND disabled_at IS NULL`, [email]);
    const row = rows[0];
    return row === undefined ? undefined : infoOf(row);
  }

  /**
   * Disables a user and revokes every token they hold, at once; false when there is no such user (in
   * one of the collectivités `sirens`, when given). Disabling twice keeps the first date.
   */
  async disable(id: string, sirens: readonly string[] | undefined, db: Queryable): Promise<boolean> {
    const { rowCount } = await db.query(
      'UPDATE users SET disabled_at = coalesce(disabled_at, now()) WHERE id = $1 AND ($2::text[] IS NULL OR siren = ANY($2::text[]))',
      [id, sirens ?? null],
    );
    if (rowCount !== 1) return false;
    await db.query('UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE user_id = $1', [id]);
    return true;
  }
}
