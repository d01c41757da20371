import type { Queryable } from '@relais/event-store';
import type { NoticeRole, NoticeSubscriber } from './notice-plan.js';

/*
 * The named users' choices, read from the gateway's tables `users`, `notice_preferences` and
 * `collectivite_group_members` (its migrations 1764800000000, 1765000000000 and 1765100000000; the
 * gateway writes them, the notifier only reads). Until
 * the gateway has created them nobody can have chosen: a missing table reads as nobody.
 */

/** PostgreSQL's undefined_table. */
const UNDEFINED_TABLE = '42P01';

async function orNobody<T>(query: () => Promise<T>, nobody: T): Promise<T> {
  try {
    return await query();
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code === UNDEFINED_TABLE) return nobody;
    throw error;
  }
}

/** Whether any active user chose anything: while nobody did, events are dropped after this one indexed look. */
export function anySubscriber(db: Queryable): Promise<boolean> {
  return orNobody(async () => {
    const { rows } = await db.query<{ present: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM notice_preferences p JOIN users u ON u.id = p.user_id
                       WHERE u.disabled_at IS NULL AND cardinality(p.statuses) + cardinality(p.message_types) > 0) AS present`,
    );
    return rows[0]?.present === true;
  }, false);
}

interface SubscriberRow {
  user_id: string;
  role: NoticeRole;
  siren: string | null;
  group_sirens: string[] | null;
  disabled: boolean;
  statuses: string[];
  message_types: string[];
  created_at: Date;
}

/**
 * The users who chose something and may hear of the collectivité `siren`: its own users, the group
 * administrators whose group has it as a member, and every other role's.
 */
export function subscribersOf(db: Queryable, siren: string): Promise<NoticeSubscriber[]> {
  return orNobody(async () => {
    const { rows } = await db.query<SubscriberRow>(
      `SELECT u.id AS user_id, u.role, u.siren, u.disabled_at IS NOT NULL AS disabled, p.statuses, p.message_types, p.created_at,
              CASE WHEN u.group_id IS NULL THEN NULL
                   ELSE ARRAY(SELECT m.siren FROM collectivite_group_members m WHERE m.group_id = u.group_id ORDER BY m.siren) END AS group_sirens
         FROM notice_preferences p JOIN users u ON u.id = p.user_id
        WHERE u.disabled_at IS NULL
          AND (u.role <> 'collectivite' OR u.siren = $1
               OR EXISTS (SELECT 1 FROM collectivite_group_members m WHERE m.group_id = u.group_id AND m.siren = $1))
          AND cardinality(p.statuses) + cardinality(p.message_types) > 0`,
      [siren],
    );
    return rows.map((row) => ({
      userId: row.user_id,
      role: row.role,
      ...(row.siren === null ? {} : { siren: row.siren }),
      ...(row.group_sirens === null ? {} : { groupSirens: row.group_sirens }),
      active: !row.disabled,
      statuses: row.statuses,
      messageTypes: row.message_types,
      since: row.created_at,
    }));
  }, []);
}
