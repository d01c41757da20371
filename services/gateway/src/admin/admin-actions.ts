import { randomUUID } from 'node:crypto';
import {
  AdminActionRecordedSchema,
  create,
  fromJson,
  timestampDate,
  timestampFromDate,
  toJson,
  type JsonValue,
} from '@relais/contracts';
import {
  appendInTransaction,
  withTransaction,
  WrongExpectedVersionError,
  type JsonObject,
  type NewEvent,
  type PostgresEventStore,
  type Queryable,
} from '@relais/event-store';
import type pg from 'pg';

/** The stored type of an administrator's or supervisor's action. */
export const ADMIN_ACTION_RECORDED = AdminActionRecordedSchema.typeName;

/** The stream category of administrative actions: one stream per thing acted on. */
export const ADMIN_CATEGORY = 'admin';

/** What an administrator or supervisor did; `details` holds facts, never a secret. */
export interface AdminAction {
  /** Dotted and stable: `token.issue`, `token.revoke`, `collectivite.register`… */
  readonly action: string;
  /** `actorOf(principal)`. */
  readonly actor: string;
  /** `token:<id>`, `collectivite:<siren>`, `transmission:<id>`… */
  readonly target: string;
  readonly details?: Readonly<Record<string, string | number | boolean>>;
}

/** An action as read back from the log. */
export interface RecordedAdminAction extends AdminAction {
  readonly at: string;
  readonly details: Readonly<Record<string, string | number | boolean>>;
}

/** The log stream of the actions on `target`. */
export function adminStreamId(target: string): string {
  return `${ADMIN_CATEGORY}-${target}`;
}

/*
 * Each append names the version it follows (optimistic concurrency), so two administrators acting on
 * one target at once are both recorded, one after the other, and neither overwrites a version the
 * other decided. A lost race simply reads the new head and goes again; a handful of rounds is plenty
 * for actions made by hand.
 */
const MAX_ROUNDS = 5;

function adminActionEvent(action: AdminAction, at: Date): NewEvent {
  const message = create(AdminActionRecordedSchema, {
    action: action.action,
    at: timestampFromDate(at),
    actor: action.actor,
    target: action.target,
    details: { ...(action.details ?? {}) },
  });
  return {
    eventId: randomUUID(),
    type: ADMIN_ACTION_RECORDED,
    data: toJson(AdminActionRecordedSchema, message) as JsonObject,
    metadata: { actor: action.actor },
  };
}

async function streamVersion(db: Queryable, streamId: string): Promise<bigint | 'no_stream'> {
  const { rows } = await db.query<{ version: string }>('SELECT version::text AS version FROM streams WHERE stream_id = $1', [
    streamId,
  ]);
  const row = rows[0];
  return row === undefined ? 'no_stream' : BigInt(row.version);
}

async function appendFollowingHead(
  read: () => Promise<bigint | 'no_stream'>,
  append: (expected: bigint | 'no_stream') => Promise<unknown>,
): Promise<void> {
  for (let round = 1; ; round++) {
    try {
      await append(await read());
      return;
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError) || round >= MAX_ROUNDS) throw error;
    }
  }
}

/**
 * Records an action in its target's stream, on its own: for actions whose effect is not a write to
 * this database (a command published to the broker), recorded before the effect is attempted so that
 * no effect is ever left without its record.
 */
export async function recordAdminAction(store: PostgresEventStore, action: AdminAction): Promise<void> {
  const streamId = adminStreamId(action.target);
  const event = adminActionEvent(action, new Date());
  await appendFollowingHead(
    async () => {
      const events = await store.readStream(streamId);
      return events.at(-1)?.streamVersion ?? 'no_stream';
    },
    // The same event id each round: a round whose answer was lost and that did commit is a replay.
    (expected) => store.append(streamId, expected, [event]),
  );
}

/**
 * Runs `work` and records `action` in one transaction: the action's own writes (on the client given
 * to `work`) and its event commit together or not at all. The event is appended first, as
 * `appendInTransaction` requires; `work` throwing rolls both back.
 */
export async function withAdminAction<T>(
  pool: pg.Pool,
  action: AdminAction,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const streamId = adminStreamId(action.target);
  return withTransaction(pool, async (client) => {
    const event = adminActionEvent(action, new Date());
    // A lost race holds no SQL error (the store answers it as an outcome), so the transaction stays
    // usable, and the second round already holds the stream's lock.
    await appendFollowingHead(
      () => streamVersion(client, streamId),
      (expected) => appendInTransaction(client, streamId, expected, [event]),
    );
    return work(client);
  });
}

/** The actions recorded on `target`, oldest first. */
export async function readAdminActions(store: PostgresEventStore, target: string): Promise<RecordedAdminAction[]> {
  const events = await store.readStream(adminStreamId(target));
  return events.filter((event) => event.type === ADMIN_ACTION_RECORDED).map((event) => adminActionFromData(event.data));
}

/** A stored action's data as a {@link RecordedAdminAction}. */
export function adminActionFromData(data: JsonObject): RecordedAdminAction {
  const m = fromJson(AdminActionRecordedSchema, data as JsonValue);
  const details: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(m.details ?? {})) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') details[name] = value;
  }
  return {
    action: m.action,
    actor: m.actor,
    target: m.target,
    details,
    at: m.at === undefined ? '' : timestampDate(m.at).toISOString(),
  };
}
