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
