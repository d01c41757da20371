import type pg from 'pg';
import { eventRowTypes, textRowTypes, type Queryable } from './db.js';
import { EVENT_COLUMNS, type EventRow, type EventTextRow, toStoredEvent } from './stored-event.js';
import type { Checkpoint, ReadAllResult } from './types.js';

/** The checkpoint before the first event. */
export const START: Checkpoint = { transactionId: 0n, globalPosition: 0n };

/**
 * Up to `limit` events after `after`, in `(transaction_id, global_position)` order and only from
 * transactions below the oldest one still running anywhere in the cluster. Positions come from a
 * sequence and commit out of order; transaction ids below that horizon are all finished, and any later
 * writer gets a larger one, so nothing can ever appear behind the returned checkpoint.
 */
export async function readAll(db: Queryable, after: Checkpoint | null, limit: number): Promise<ReadAllResult> {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`readAll: limit must be a positive integer, got ${limit}`);
  const from = after ?? START;
  const { rows } = await db.query<EventRow>(readAllQuery(from, limit, eventRowTypes));
  const events = rows.map(toStoredEvent);
  const last = events[events.length - 1];
  return {
    events,
    checkpoint: last ? { transactionId: last.transactionId, globalPosition: last.globalPosition } : from,
  };
}

/**
 * The same page as `readAll`, every column left as PostgreSQL's text (`storedEventFromText` parses a
 * row): for a reader that shares the parsing out to worker threads.
 */
export async function readAllText(db: Queryable, after: Checkpoint | null, limit: number): Promise<{ rows: EventTextRow[]; checkpoint: Checkpoint }> {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`readAllText: limit must be a positive integer, got ${limit}`);
  const from = after ?? START;
  const { rows } = await db.query<EventTextRow>(readAllQuery(from, limit, textRowTypes));
  const last = rows[rows.length - 1];
  return { rows, checkpoint: last ? { transactionId: BigInt(last[1]), globalPosition: BigInt(last[0]) } : from };
}

function readAllQuery(from: Checkpoint, limit: number, types: pg.CustomTypesConfig): pg.QueryArrayConfig {
  return {
    text: `SELECT ${EVENT_COLUMNS} FROM events
            WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint)
              AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
            ORDER BY transaction_id, global_position
            LIMIT $3`,
    values: [from.transactionId.toString(), from.globalPosition.toString(), limit],
    rowMode: 'array',
    types,
  };
}
