import { parseBytea, parseTimestamptz } from './db.js';
import type { JsonObject, StoredEvent } from './types.js';

/** The columns of a `StoredEvent`, in the order `toStoredEvent` reads them (queries use `rowMode: 'array'`). */
export const EVENT_COLUMNS =
  'global_position, transaction_id, stream_id, stream_version, event_id, type, data, metadata, recorded_at, hash';

/** A row of EVENT_COLUMNS, already converted by `eventRowTypes`. */
export type EventRow = [bigint, bigint, string, bigint, string, string, JsonObject, JsonObject, Date, Buffer];

export function toStoredEvent(row: EventRow): StoredEvent {
  return {
    globalPosition: row[0],
    transactionId: row[1],
    streamId: row[2],
    streamVersion: row[3],
    eventId: row[4],
    type: row[5],
    data: row[6],
    metadata: row[7],
    recordedAt: row[8],
    hash: row[9],
  };
}

/** A row of EVENT_COLUMNS read with `textRowTypes`: every column as PostgreSQL's text. */
export type EventTextRow = readonly [string, string, string, string, string, string, string, string, string, string];

/** The event of a text row, parsed exactly as `eventRowTypes` parses its columns. */
export function storedEventFromText(row: EventTextRow): StoredEvent {
  return {
    globalPosition: BigInt(row[0]),
    transactionId: BigInt(row[1]),
    streamId: row[2],
    streamVersion: BigInt(row[3]),
    eventId: row[4],
    type: row[5],
    data: JSON.parse(row[6]) as JsonObject,
    metadata: JSON.parse(row[7]) as JsonObject,
    recordedAt: parseTimestamptz(row[8]),
    hash: parseBytea(row[9]),
  };
}
