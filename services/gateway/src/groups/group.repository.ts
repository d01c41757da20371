import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Queryable } from '@relais/event-store';
import type pg from 'pg';
import { PG_POOL } from '../tokens.js';

/** A group of collectivités (an EPCI, a GIP team) and the SIRENs of its members, in order. */
export interface GroupInfo {
  readonly id: string;
  readonly name: string;
  readonly sirens: readonly string[];
  readonly createdAt: string;
}

interface GroupRow {
  id: string;
  name: string;
  sirens: string[];
  created_at: Date;
}

const SELECT_GROUPS = `SELECT g.id, g.name, g.created_at,
    ARRAY(SELECT m.siren FROM collectivite_group_members m WHERE m.group_id = g.id ORDER BY m.siren) AS sirens
  FROM collectivite_groups g`;

function infoOf(row: GroupRow): GroupInfo {
  return { id: row.id, name: row.name, sirens: row.sirens, createdAt: row.created_at.toISOString() };
}

/** The `collectivite_groups` and `collectivite_group_members` tables. Changes go through the caller's transaction. */
@Injectable()
export class GroupRepository {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  async create(name: string, sirens: readonly string[], { id = randomUUID(), db }: { readonly id?: string; readonly db: Queryable }): Promise<GroupInfo> {
    await db.query('INSERT INTO collectivite_groups (id, name) VALUES ($1, $2)', [id, name]);
    await this.insertMembers(id, sirens, db);
    return this.require(id, db);
  }

  /** Every group with its members, by name. */
  async list(): Promise<GroupInfo[]> {
    const { rows } = await this.pool.query<GroupRow>(`${SELECT_GROUPS} ORDER BY g.name, g.id LIMIT 5000`);
    return rows.map(infoOf);
  }

  /** Whether the group exists (in `db`'s view). */
  async exists(id: string, db: Queryable = this.pool): Promise<boolean> {
    const { rowCount } = await db.query('SELECT 1 FROM collectivite_groups WHERE id = $1', [id]);
    return rowCount === 1;
  }

  /**
   * Replaces the members of a group, its row locked first so that two replacements do not interleave;
   * undefined when there is no such group.
   */
  async replaceMembers(id: string, sirens: readonly string[], db: Queryable): Promise<GroupInfo | undefined> {
    const { rowCount } = await db.query('SELECT 1 FROM collectivite_groups WHERE id = $1 FOR UPDATE', [id]);
    if (rowCount !== 1) return undefined;
    await db.query('DELETE FROM collectivite_group_members WHERE group_id = $1', [id]);
    await this.insertMembers(id, sirens, db);
    return this.require(id, db);
  }

  private async insertMembers(id: string, sirens: readonly string[], db: Queryable): Promise<void> {
    await db.query('INSERT INTO collectivite_group_members (group_id, siren) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING', [id, sirens]);
  }

  private async require(id: string, db: Queryable): Promise<GroupInfo> {
    const { rows } = await db.query<GroupRow>(`${SELECT_GROUPS} WHERE g.id = $1`, [id]);
    const row = rows[0];
    if (row === undefined) throw new Error(`No group ${id} after writing it`);
    return infoOf(row);
  }
}
