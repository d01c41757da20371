import { withTransaction } from '@relais/event-store';
import { IN_FLIGHT_STATUSES } from '@relais/read-models';
import type pg from 'pg';

/** Transmissions that reached an outcome, all time (the statistics' month buckets added up). */
export interface OutcomeTotal {
  readonly kind: string;
  readonly outcome: string;
  readonly count: number;
}

/** Samples of one latency bin, all time. */
export interface LatencyBinCount {
  readonly kind: string;
  readonly metric: string;
  readonly bin: number;
  readonly count: number;
}

/** Transmissions in flight in one status now, and how long the oldest has been in the platform. */
export interface InFlightFigure {
  readonly kind: string;
  readonly status: string;
  readonly count: number;
  readonly oldestSeconds: number;
}

/** How far a reader of the log (a checkpoint) is behind its head. */
export interface ReaderLag {
  /** The checkpoint's name: `projector:transmissions`, `projector:stats`, `relay:<namespace>`… */
  readonly name: string;
  /** Events recorded after the checkpoint, counted up to {@link LAG_EVENTS_CAP}. */
  readonly events: number;
  /** The age of the first event not yet read; 0 when none is waiting. */
  readonly seconds: number;
}

/** What one scrape reads from PostgreSQL. */
export interface DatabaseFigures {
  readonly outcomes: readonly OutcomeTotal[];
  readonly latencyBins: readonly LatencyBinCount[];
  readonly inFlight: readonly InFlightFigure[];
  readonly readers: readonly ReaderLag[];
}

// Written out, not a parameter: the planner then sees that the open-status partial index covers it.
const IN_FLIGHT_LIST = IN_FLIGHT_STATUSES.map((status) => `'${status}'`).join(', ');

/** Events behind a checkpoint are counted up to this many: enough to see a reader stall, cheap to count. */
export const LAG_EVENTS_CAP = 100_000;

/**
 * Reads the figures in four queries on one connection, in one read-only snapshot (so they agree with
 * each other), each bounded by `statementTimeoutMs`. The bucket tables keep a year to a few thousand
 * month rows; in-flight rows are found through their partial index, and the events behind a checkpoint
 * through the log's `(transaction_id, global_position)` index, the order readers follow.
 */
export function readDatabaseFigures(pool: pg.Pool, statementTimeoutMs: number): Promise<DatabaseFigures> {
  return withTransaction(pool, async (client) => {
    await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    // Small queries whose row estimates can look large (one subquery per checkpoint): compiling them
    // would cost more than running them.
    await client.query("SELECT set_config('statement_timeout', $1, true), set_config('jit', 'off', true)", [String(statementTimeoutMs)]);
    const outcomes = await client.query<OutcomeTotal>(
      `SELECT kind, outcome, sum(n)::float8 AS count FROM stats_counts WHERE granularity = 'month' GROUP BY kind, outcome`,
    );
    const latencyBins = await client.query<LatencyBinCount>(
      `SELECT kind, metric, bin, sum(n)::float8 AS count FROM stats_latency WHERE granularity = 'month' GROUP BY kind, metric, bin`,
    );
    const inFlight = await client.query<InFlightFigure>(
      `SELECT kind, status, count(*)::float8 AS count,
              greatest(0, extract(epoch FROM now() - min(received_at)))::float8 AS "oldestSeconds"
         FROM stats_transmissions WHERE status IN (${IN_FLIGHT_LIST}) GROUP BY kind, status`,
    );
    const readers = await client.query<ReaderLag>(
      `SELECT c.name,
              (SELECT count(*) FROM (SELECT 1 FROM events e
                 WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position) LIMIT $1) behind)::float8 AS events,
              coalesce((SELECT greatest(0, extract(epoch FROM now() - e.recorded_at)) FROM events e
                 WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position)
                 ORDER BY e.transaction_id, e.global_position LIMIT 1), 0)::float8 AS seconds
         FROM checkpoints c`,
      [LAG_EVENTS_CAP],
    );
    return { outcomes: outcomes.rows, latencyBins: latencyBins.rows, inFlight: inFlight.rows, readers: readers.rows };
  });
}
