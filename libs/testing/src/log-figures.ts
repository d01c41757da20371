import type pg from 'pg';

/** The summary's counts (API.md) and the stored event type each one counts. */
export const STATUS_EVENT_TYPES = {
  received: 'TransmissionReceived',
  acknowledged: 'TransmissionAcknowledged',
  rejected: 'TransmissionRejected',
  nacked: 'TransmissionNacked',
  partiallyAccepted: 'TransmissionPartiallyAccepted',
  failed: 'TransmissionFailed',
  cancelled: 'TransmissionCancelled',
} as const;

export type StatusCounts = Record<keyof typeof STATUS_EVENT_TYPES, number>;

/**
 * The reference the statistics are checked against, straight from the log: for each count, the
 * number of distinct transmissions with an event of that name recorded in [from, to) (all time without).
 */
export async function statusCountsFromLog(pool: pg.Pool, range?: { readonly from: Date | string; readonly to: Date | string }): Promise<StatusCounts> {
  // Every version of a type counts as that type (relais.transmission.v1.TransmissionFailed and v2…).
  const { rows } = await pool.query<{ type: string; n: number }>(
    `SELECT split_part(type, '.', 4) AS type, count(DISTINCT stream_id)::int AS n FROM events
      WHERE type LIKE 'relais.transmission.%' AND ($1::timestamptz IS NULL OR (recorded_at >= $1 AND recorded_at < $2))
      GROUP BY 1`,
    [range?.from ?? null, range?.to ?? null],
  );
  const count = (type: string) => rows.find((r) => r.type === type)?.n ?? 0;
  const entries = Object.entries(STATUS_EVENT_TYPES).map(([name, type]) => [name, count(type)]);
  return Object.fromEntries(entries) as StatusCounts;
}

/** The exact nearest-rank percentiles (percentile_disc) of received → acknowledged, in ms, from the log. */
export async function ackLatencyFromLog(pool: pg.Pool): Promise<{ p50: number; p95: number; p99: number }> {
  const { rows } = await pool.query<{ p50: number; p95: number; p99: number }>(
    `WITH l AS (
       SELECT extract(epoch from (a.recorded_at - r.recorded_at)) * 1000 AS ms
         FROM events a JOIN events r ON r.stream_id = a.stream_id AND r.type = 'relais.transmission.v1.TransmissionReceived'
        WHERE a.type = 'relais.transmission.v1.TransmissionAcknowledged')
     SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY ms)::float8 AS p50, percentile_disc(0.95) WITHIN GROUP (ORDER BY ms)::float8 AS p95,
            percentile_disc(0.99) WITHIN GROUP (ORDER BY ms)::float8 AS p99 FROM l`,
  );
  const row = rows[0];
  if (row === undefined) throw new Error('no latency row');
  return row;
}

/** The counts of a summary-shaped object, in the order of STATUS_EVENT_TYPES. */
export function statusCountsOf(summary: Readonly<Record<keyof typeof STATUS_EVENT_TYPES, number>>): StatusCounts {
  const entries = Object.keys(STATUS_EVENT_TYPES).map((name) => [name, summary[name as keyof typeof STATUS_EVENT_TYPES]]);
  return Object.fromEntries(entries) as StatusCounts;
}
