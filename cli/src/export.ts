import type { Writable } from 'node:stream';
import type pg from 'pg';

/** Which part of the log to export. */
export interface ExportFilter {
  /** One transmission (its stream `transmission-<id>`). */
  readonly transmission?: string;
  /** One collectivité: its own stream and every transmission it submitted. */
  readonly siren?: string;
  /** Events recorded in [from, to). */
  readonly from?: Date;
  readonly to?: Date;
}

export type ExportFormat = 'ndjson' | 'csv';

/** One exported event: every hashed field as stored, its hash and its predecessor's (hex). */
export interface ExportedEvent {
  readonly position: string;
  /** The writing transaction (xid8): with `position`, the order readers and seals go by (docs/audit-seals.md). */
  readonly transactionId: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly eventId: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
  /** As hashed: ISO 8601 UTC with exactly six fractional digits. */
  readonly recordedAt: string;
  readonly hash: string;
  /** The hash of the stream's previous version (64 zeros for version 1): the chain can be checked from any line. */
  readonly previousHash: string;
}

export const CSV_COLUMNS = ['position', 'stream_id', 'stream_version', 'event_id', 'type', 'recorded_at', 'hash', 'previous_hash', 'data', 'metadata', 'transaction_id'] as const;

const PAGE = 2000;
const GENESIS = '0'.repeat(64);

interface Row {
  position: string;
  transaction_id: string;
  stream_id: string;
  stream_version: string;
  event_id: string;
  type: string;
  data: unknown;
  metadata: unknown;
  recorded_at: string;
  hash: Buffer;
  previous_hash: Buffer | null;
}

/** The streams a filter covers (undefined: every stream). */
async function streamsOf(db: pg.Pool, filter: ExportFilter): Promise<string[] | undefined> {
  if (filter.transmission !== undefined) return [`transmission-${filter.transmission}`];
  if (filter.siren === undefined) return undefined;
  const { rows } = await db.query<{ stream_id: string }>(
    `SELECT stream_id FROM events WHERE type = 'relais.transmission.v1.TransmissionReceived' AND data->>'siren' = $1`,
    [filter.siren],
  );
  return [`collectivite-${filter.siren}`, ...rows.map((r) => r.stream_id)];
}

/** How many events the export will hold (for the progress bar). */
export async function countExport(db: pg.Pool, filter: ExportFilter): Promise<number> {
  const streams = await streamsOf(db, filter);
  const { rows } = await db.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM events
      WHERE ($1::text[] IS NULL OR stream_id = ANY($1)) AND ($2::timestamptz IS NULL OR recorded_at >= $2) AND ($3::timestamptz IS NULL OR recorded_at < $3)`,
    [streams ?? null, filter.from ?? null, filter.to ?? null],
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Writes the events the filter covers, in global position order, page by page (bounded memory), as
 * NDJSON or CSV. Calls `onProgress` with the number written after each page; returns the total.
 */
export async function exportLog(
  db: pg.Pool,
  filter: ExportFilter,
  format: ExportFormat,
  out: Writable,
  onProgress: (written: number) => void = () => undefined,
): Promise<number> {
  const streams = await streamsOf(db, filter);
  if (format === 'csv') await write(out, `${CSV_COLUMNS.join(',')}\n`);
  let after = '0';
  let written = 0;
  for (;;) {
    const { rows } = await db.query<Row>(
      `SELECT e.global_position::text AS position, e.transaction_id::text, e.stream_id, e.stream_version::text, e.event_id::text, e.type, e.data, e.metadata,
              to_char(e.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS recorded_at, e.hash, p.hash AS previous_hash
         FROM events e LEFT JOIN events p ON p.stream_id = e.stream_id AND p.stream_version = e.stream_version - 1
        WHERE e.global_position > $1 AND ($2::text[] IS NULL OR e.stream_id = ANY($2))
          AND ($3::timestamptz IS NULL OR e.recorded_at >= $3) AND ($4::timestamptz IS NULL OR e.recorded_at < $4)
        ORDER BY e.global_position LIMIT $5`,
      [after, streams ?? null, filter.from ?? null, filter.to ?? null, PAGE],
    );
    if (rows.length === 0) return written;
    let chunk = '';
    for (const row of rows) {
      const event = toExported(row);
      chunk += format === 'ndjson' ? `${JSON.stringify(event)}\n` : `${csvLine(event)}\n`;
    }
    await write(out, chunk);
    written += rows.length;
    after = rows[rows.length - 1]?.position ?? after;
    onProgress(written);
  }
}

function toExported(row: Row): ExportedEvent {
  const version = Number(row.stream_version);
  return {
    position: row.position,
    transactionId: row.transaction_id,
    streamId: row.stream_id,
    streamVersion: version,
    eventId: row.event_id,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    recordedAt: row.recorded_at,
    hash: row.hash.toString('hex'),
    // A missing predecessor of a version above 1 (a deleted row) shows as empty: verification fails there.
    previousHash: version === 1 ? GENESIS : (row.previous_hash?.toString('hex') ?? ''),
  };
}

/** RFC 4180: every field quoted, quotes doubled. */
function csvLine(e: ExportedEvent): string {
  const fields = [e.position, e.streamId, String(e.streamVersion), e.eventId, e.type, e.recordedAt, e.hash, e.previousHash, JSON.stringify(e.data), JSON.stringify(e.metadata), e.transactionId];
  return fields.map((f) => `"${f.replaceAll('"', '""')}"`).join(',');
}

function write(out: Writable, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (out.write(text)) resolve();
    else {
      out.once('drain', resolve);
      out.once('error', reject);
    }
  });
}
