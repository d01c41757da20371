import { eventHash, GENESIS_HASH, RECORDED_AT_SQL, type JsonObject } from '@relais/event-store';
import type pg from 'pg';

/** One event of a stream's history as `GET /api/v1/audit/transmissions/{id}/events` lists it. */
export interface AuditHistoryEvent {
  /** `global_position`. */
  readonly position: string;
  readonly version: string;
  readonly eventId: string;
  readonly type: string;
  /** As hashed: UTC with microseconds. */
  readonly recordedAt: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
  /** The row's stored chain hash, lower-case hexadecimal. */
  readonly hash: string;
  /** The stored hash of the stream's previous row (32 zero bytes before the first), hexadecimal. */
  readonly previousHash: string;
  /** Whether the row follows its predecessor's version and its hash is recomputed equal from its content. */
  readonly chainOk: boolean;
}

/** A stream's history with its chain recomputed. */
export interface AuditHistory {
  readonly streamId: string;
  /** Every event's chain holds and the stream's recorded head is its last event (no tail deleted). */
  readonly chainOk: boolean;
  readonly items: readonly AuditHistoryEvent[];
}

interface HistoryRow {
  readonly position: string;
  readonly version: string;
  readonly event_id: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
  readonly recorded_at: string;
  readonly hash: Buffer;
}

/**
 * Every event of `streamId` in version order, each hash recomputed as `verify` does (sha256 of the
 * previous row's stored hash and the row's RFC 8785 form, `recordedAt` with its microseconds), read in
 * one snapshot together with the stream's recorded head. Undefined when the stream has no event.
 */
export async function transmissionHistory(pool: pg.Pool, streamId: string): Promise<AuditHistory | undefined> {
  const { rows } = await pool.query<HistoryRow & { head_version: string | null; head_hash: Buffer | null }>(
    `SELECT global_position::text AS position, stream_version::text AS version, event_id::text AS event_id, type, data, metadata,
            ${RECORDED_AT_SQL} AS recorded_at, hash,
            (SELECT version::text FROM streams WHERE stream_id = $1) AS head_version,
            (SELECT last_hash FROM streams WHERE stream_id = $1) AS head_hash
       FROM events WHERE stream_id = $1
      ORDER BY stream_version`,
    [streamId],
  );
  if (rows.length === 0) return undefined;
  let previous: { version: bigint; hash: Buffer } | undefined;
  const items = rows.map((row): AuditHistoryEvent => {
    const version = BigInt(row.version);
    const previousHash = previous?.hash ?? GENESIS_HASH;
    const follows = version === (previous?.version ?? 0n) + 1n;
    const computed = eventHash(previousHash, {
      streamId,
      streamVersion: version,
      eventId: row.event_id,
      type: row.type,
      data: row.data,
      metadata: row.metadata,
      recordedAt: row.recorded_at,
    });
    previous = { version, hash: row.hash };
    return {
      position: row.position,
      version: row.version,
      eventId: row.event_id,
      type: row.type,
      recordedAt: row.recorded_at,
      data: row.data,
      metadata: row.metadata,
      hash: row.hash.toString('hex'),
      previousHash: previousHash.toString('hex'),
      chainOk: follows && computed.equals(row.hash),
    };
  });
  const last = rows[rows.length - 1];
  const headOk = last !== undefined && last.head_version === last.version && last.head_hash?.equals(last.hash) === true;
  return { streamId, chainOk: headOk && items.every((item) => item.chainOk), items };
}
