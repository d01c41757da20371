/** The statements of an append batch (see `executeBatch` for the reasoning behind them). */
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Queryable } from './db.js';
import type { PreparedEvent } from './prepare.js';

/** A stream's head as `streams` records it. */
export interface StreamHead {
  readonly version: bigint;
  readonly lastHash: Buffer;
}

/** Where an event id is stored already. */
export interface StoredId {
  readonly streamId: string;
  readonly version: bigint;
  readonly position: bigint;
}

/** First key of every stream lock (the two-int advisory key space never meets the one-bigint one). */
const STREAM_LOCK_CLASS = 0x45565453; // "EVTS"

/** The stream's advisory lock key: 32 bits of sha256(streamId). A collision only serialises two streams. */
function streamLockKey(streamId: string): number {
  return createHash('sha256').update(streamId, 'utf8').digest().readInt32BE(0);
}

/*
 * The lock and the insert are named statements: PostgreSQL plans each once per connection instead of
 * once per batch (a third of a small batch's time went to planning the insert). Their plans do not
 * depend on the size of any table; the other statements' plans do (an index scan once the table has
 * grown), so they stay unnamed and are planned afresh. Behind PgBouncer in transaction mode, named
 * statements need its prepared-statement support (`max_prepared_statements`, 1.21+).
 */

/** The streams' lock keys, each once, in the order every writer takes them (no deadlock between batches). */
function lockKeys(streamIds: readonly string[]): number[] {
  return [...new Set(streamIds.map(streamLockKey))].sort((a, b) => a - b);
}

/** Takes every stream's advisory lock for this transaction, in key order (no deadlock between batches). */
export async function lockStreams(client: Queryable, streamIds: readonly string[]): Promise<void> {
  const keys = lockKeys(streamIds);
  // unnest yields the keys in array order and each row's lock is taken before the next row's.
  await client.query({
    name: 'relais_event_store_lock_v1',
    text: 'SELECT pg_advisory_xact_lock($1::int, k) FROM unnest($2::int[]) AS k',
    values: [STREAM_LOCK_CLASS, keys],
  });
}

/** The heads of the streams and which event ids are stored already, in one round trip. */
export async function readState(
  client: Queryable,
  streamIds: readonly string[],
  eventIds: readonly string[],
): Promise<{ heads: Map<string, StreamHead>; stored: Map<string, StoredId> }> {
  const { rows } = await client.query<StateRow>({
    text: `SELECT stream_id, NULL::uuid::text, version::text, last_hash, NULL::text
             FROM streams WHERE stream_id = ANY($1::text[])
           UNION ALL
           SELECT stream_id, event_id::text, stream_version::text, NULL::bytea, global_position::text
             FROM events WHERE event_id = ANY($2::uuid[])`,
    values: [streamIds, eventIds],
    rowMode: 'array',
  });
  return stateOf(rows);
}

type StateRow = [string, string | null, string, Buffer | null, string | null];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * BEGIN, every stream's advisory lock (in key order) and {@link readState}'s reading, in one round
 * trip: three statements of the simple protocol, each with its own snapshot under READ COMMITTED, so
 * the reading sees what the previous holders of the locks committed. The values go in as literals:
 * the lock keys are integers, the event ids checked UUIDs, the stream ids quoted by pg's own
 * `escapeLiteral`. Saves two of an append's five round trips, which on a machine where a round trip
 * costs more than the work it carries is most of what an append costs.
 */
export async function beginLockAndReadState(
  client: Queryable,
  streamIds: readonly string[],
  eventIds: readonly string[],
): Promise<{ heads: Map<string, StreamHead>; stored: Map<string, StoredId> }> {
  for (const id of eventIds) if (!UUID.test(id)) throw new Error(`event-store: event id ${JSON.stringify(id)} is not a UUID`);
  const keys = lockKeys(streamIds);
  const streams = streamIds.map((id) => pg.escapeLiteral(id)).join(', ');
  const ids = eventIds.map((id) => `'${id}'`).join(', ');
  const text = `BEGIN;
SELECT pg_advisory_xact_lock(${STREAM_LOCK_CLASS.toString()}, k) FROM unnest(ARRAY[${keys.join(', ')}]::int[]) AS k;
SELECT stream_id, NULL::uuid::text, version::text, last_hash, NULL::text FROM streams WHERE stream_id = ANY(ARRAY[${streams}]::text[])
UNION ALL
SELECT stream_id, event_id::text, stream_version::text, NULL::bytea, global_position::text FROM events WHERE event_id = ANY(ARRAY[${ids}]::uuid[])`;
  const results = (await client.query({ text, rowMode: 'array' })) as unknown as pg.QueryResult<StateRow>[];
  const reading = results[2];
  if (reading === undefined) throw new Error('event-store: the state was not read');
  return stateOf(reading.rows);
}

function stateOf(rows: readonly StateRow[]): { heads: Map<string, StreamHead>; stored: Map<string, StoredId> } {
  const heads = new Map<string, StreamHead>();
  const stored = new Map<string, StoredId>();
  for (const [streamId, eventId, version, lastHash, position] of rows) {
    if (eventId === null) heads.set(streamId, { version: BigInt(version), lastHash: lastHash as Buffer });
    else stored.set(eventId, { streamId, version: BigInt(version), position: BigInt(position as string) });
  }
  return { heads, stored };
}

/** Column arrays for one `INSERT … SELECT FROM unnest(…)`: one round trip whatever the batch size. */
export class InsertRows {
  readonly streamIds: string[] = [];
  readonly versions: string[] = [];
  readonly eventIds: string[] = [];
  readonly types: string[] = [];
  readonly data: string[] = [];
  readonly metadata: string[] = [];
  readonly hashes: Buffer[] = [];
  readonly headIds: string[] = [];
  readonly headVersions: string[] = [];
  readonly headHashes: Buffer[] = [];

  get size(): number {
    return this.streamIds.length;
  }

  add(streamId: string, version: bigint, event: PreparedEvent, hash: Buffer): void {
    this.streamIds.push(streamId);
    this.versions.push(version.toString());
    this.eventIds.push(event.eventId);
    this.types.push(event.type);
    this.data.push(event.dataJson);
    this.metadata.push(event.metadataJson);
    this.hashes.push(hash);
  }

  head(streamId: string, version: bigint, hash: Buffer): void {
    this.headIds.push(streamId);
    this.headVersions.push(version.toString());
    this.headHashes.push(hash);
  }
}

/**
 * Inserts the events (in batch order, so that a stream's versions get increasing positions) and moves
 * the stream heads, in one statement. Returns the last global position of each stream.
 */
export async function insertRows(client: Queryable, rows: InsertRows, recordedAt: string): Promise<Map<string, bigint>> {
  const { rows: result } = await client.query<{ stream_id: string; last_position: string }>({
    name: 'relais_event_store_insert_v1',
    text: `WITH input AS (
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::uuid[], $4::text[],
                            string_to_array($5, E'\\n')::jsonb[], string_to_array($6, E'\\n')::jsonb[], $7::bytea[])
         WITH ORDINALITY AS t(stream_id, stream_version, event_id, type, data, metadata, hash, ord)
     ),
     inserted AS (
       INSERT INTO events (stream_id, stream_version, event_id, type, data, metadata, recorded_at, hash)
       SELECT stream_id, stream_version, event_id, type, data, metadata, $8::timestamptz, hash
         FROM input ORDER BY ord
       RETURNING stream_id, global_position
     ),
     heads AS (
       INSERT INTO streams (stream_id, version, last_hash)
       SELECT * FROM unnest($9::text[], $10::bigint[], $11::bytea[])
       ON CONFLICT (stream_id) DO UPDATE
         SET version = EXCLUDED.version, last_hash = EXCLUDED.last_hash
         WHERE streams.version < EXCLUDED.version
       RETURNING stream_id
     )
     SELECT stream_id, max(global_position)::text AS last_position FROM inserted
      WHERE (SELECT count(*) FROM heads) = $12
      GROUP BY stream_id`,
    values: [
      rows.streamIds,
      rows.versions,
      rows.eventIds,
      rows.types,
      // JSON text never holds a raw line feed (JSON.stringify and RFC 8785 escape it): joined by
      // line feeds, the payloads need none of the array-literal escaping their quotes would cost.
      rows.data.join('\n'),
      rows.metadata.join('\n'),
      rows.hashes,
      recordedAt,
      rows.headIds,
      rows.headVersions,
      rows.headHashes,
      rows.headIds.length,
    ],
  });
  if (result.length !== rows.headIds.length) {
    // A stream head that did not move means its row changed under a lock this batch should hold:
    // refuse to commit rather than fork a chain.
    throw new Error('event-store: stream heads did not all move; batch rolled back');
  }
  return new Map(result.map((r) => [r.stream_id, BigInt(r.last_position)]));
}
