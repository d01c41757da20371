import { eventRowTypes, type Queryable } from './db.js';
import { EVENT_COLUMNS, type EventRow, toStoredEvent } from './stored-event.js';
import type { ReadStreamOptions, StoredEvent } from './types.js';

const MAX_VERSION = '9223372036854775807';

/**
 * A stream's events in version order. With `asOf`, the stream as it stood then: the events recorded
 * at or before `asOf`, cut at the first one recorded later, so that clocks differing slightly between
 * processes can never make a version appear without the ones before it.
 */
export async function readStream(db: Queryable, streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
  const from = options.fromVersion === undefined ? '1' : BigInt(options.fromVersion).toString();
  const to = options.toVersion === undefined ? MAX_VERSION : BigInt(options.toVersion).toString();
  const asOf = options.asOf ?? null;
  const { rows } = await db.query<EventRow>({
    text: `SELECT ${EVENT_COLUMNS} FROM events
            WHERE stream_id = $1 AND stream_version BETWEEN $2::bigint AND $3::bigint
              AND ($4::timestamptz IS NULL OR stream_version < COALESCE(
                    (SELECT min(stream_version) FROM events WHERE stream_id = $1 AND recorded_at > $4::timestamptz),
                    ${MAX_VERSION}))
            ORDER BY stream_version`,
    values: [streamId, from, to, asOf],
    rowMode: 'array',
    types: eventRowTypes,
  });
  return rows.map(toStoredEvent);
}
