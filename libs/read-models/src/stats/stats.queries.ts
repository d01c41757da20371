import type { TransmissionKind } from '@relais/domain';
import type pg from 'pg';
import { addToHistogram, LAST_BIN, percentilesOf } from './latency-histogram.js';
import { IN_FLIGHT_STATUSES, type Dimension, type Outcome } from './stats-fold.js';
import type {
  BacklogItem,
  OutcomeCounts,
  SeriesPoint,
  StatsBacklog,
  StatsBreakdown,
  StatsFilter,
  StatsReasons,
  StatsSeries,
  StatsSummary,
  StatsWindows,
  SummaryFigures,
  WindowFigures,
} from './stats.types.js';
import { bucketStart, nextBucketStart, planRange, type BucketSegment, type Granularity, type TimeRange } from './time-buckets.js';

/*
 * The supervisors' figures, read from the tables the stats projection keeps. A range adds up whole
 * stored buckets (month, day, hour, minute) and reads only the ragged seconds at each end from the
 * per-transmission transitions, so a year costs a few thousand rows and any [from, to) is exact.
 * Counts for one département or collectivité come from its partition of the dimension counts (month
 * and day buckets, the ends raw); their latency from its transitions, through their indexes.
 */

type Db = pg.Pool | pg.PoolClient;

/** The checkpoint the statistics keep in `checkpoints`. */
export const STATS_CHECKPOINT_NAME = 'projector:stats';
/** What the projector NOTIFYs at commit when the statistics moved (payload: the last position); live pages LISTEN. */
export const STATS_CHANNEL = 'relais_stats';

/**
 * The SQL twin of `latencyBin` (four bins per doubling) over a column, for latencies read raw. In
 * float8 like JavaScript's Math.log2 (numeric `log(2, x)` cost a second per 120,000 rows); a test
 * checks that both agree at every bin's edges.
 */
export function latencyBinSql(column: string): string {
  return `CASE WHEN ${column} < 1 THEN 0 ELSE least(${LAST_BIN}, 1 + floor(4 * ln(${column}::float8) / ln(2::float8)))::int END`;
}
const SQL_BIN = latencyBinSql('latency_ms');

const CAMEL: Record<Outcome, keyof OutcomeCounts> = {
  received: 'received',
  sent: 'sent',
  acknowledged: 'acknowledged',
  rejected: 'rejected',
  nacked: 'nacked',
  partially_accepted: 'partiallyAccepted',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** One aggregated row: a count of an outcome, or of a latency bin (for sent and acknowledged). */
interface AggregateRow {
  key: string;
  kind: TransmissionKind;
  outcome: Outcome;
  bin: number | null;
  n: string;
}

/** Where-clause builder with numbered parameters. */
class Sql {
  readonly params: unknown[] = [];
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
  /** `column >= from AND column < to` for each range, OR-ed. */
  ranges(column: string, ranges: readonly TimeRange[]): string {
    if (ranges.length === 0) return 'false';
    return `(${ranges.map((r) => `(${column} >= ${this.param(r.from)} AND ${column} < ${this.param(r.to)})`).join(' OR ')})`;
  }
  /** Whole buckets of the segments (`all`: every month bucket). */
  segments(segments: readonly BucketSegment[] | 'all'): string {
    if (segments === 'all') return `granularity = 'month'`;
    if (segments.length === 0) return 'false';
    return `(${segments.map((s) => `(granularity = ${this.param(s.granularity)} AND bucket >= ${this.param(s.from)} AND bucket < ${this.param(s.to)})`).join(' OR ')})`;
  }
  /** The kind and dimension filters on a transitions row. */
  filters(filter: StatsFilter, alias = ''): string {
    const parts: string[] = [];
    if (filter.kind !== undefined) parts.push(`${alias}kind = ${this.param(filter.kind)}`);
    if (filter.departement !== undefined) parts.push(`${alias}departement = ${this.param(filter.departement)}`);
    if (filter.siren !== undefined) parts.push(`${alias}siren = ${this.param(filter.siren)}`);
    return parts.length === 0 ? 'true' : parts.join(' AND ');
  }
}

/** Counts and latency histograms accumulated per key (a kind, a bucket, a dimension value). */
class Tally {
  private readonly counts = new Map<string, Record<keyof OutcomeCounts, number>>();
  private readonly histograms = new Map<string, Map<number, number>>();

  add(rows: readonly AggregateRow[]): void {
    for (const row of rows) {
      const n = Number(row.n);
      if (row.bin === null) {
        const counts = this.countsOf(row.key);
        counts[CAMEL[row.outcome]] += n;
      } else {
        const key = `${row.key}|${row.outcome}`;
        const histogram = this.histograms.get(key) ?? new Map<number, number>();
        addToHistogram(histogram, row.bin, n);
        this.histograms.set(key, histogram);
      }
    }
  }

  countsOf(key: string): Record<keyof OutcomeCounts, number> {
    let counts = this.counts.get(key);
    if (counts === undefined) {
      counts = { received: 0, sent: 0, acknowledged: 0, rejected: 0, nacked: 0, partiallyAccepted: 0, failed: 0, cancelled: 0 };
      this.counts.set(key, counts);
    }
    return counts;
  }

  histogram(keys: readonly string[], outcome: 'sent' | 'acknowledged'): Map<number, number> {
    const merged = new Map<number, number>();
    for (const key of keys) for (const [bin, n] of this.histograms.get(`${key}|${outcome}`) ?? []) addToHistogram(merged, bin, n);
    return merged;
  }

  keys(): string[] {
    return [...this.counts.keys()];
  }
}

function sumCounts(all: readonly OutcomeCounts[]): OutcomeCounts {
  const total = { received: 0, sent: 0, acknowledged: 0, rejected: 0, nacked: 0, partiallyAccepted: 0, failed: 0, cancelled: 0 };
  for (const counts of all) for (const key of Object.keys(total) as (keyof OutcomeCounts)[]) total[key] += counts[key];
  return total;
}

/**
 * Rows of the transitions in `ranges` (or all time when null), grouped by `keyExpr`, kind, outcome,
 * and latency bin for sent and acknowledged (only those with `latencyOnly`).
 */
async function rawAggregate(
  db: Db,
  ranges: readonly TimeRange[] | null,
  filter: StatsFilter,
  keyExpr: string,
  latencyOnly = false,
): Promise<AggregateRow[]> {
  const sql = new Sql();
  const where = `${ranges === null ? 'true' : sql.ranges('at', ranges)} AND ${sql.filters(filter)}`;
  const { rows } = await db.query<AggregateRow>(
    `${latencyOnly ? '' : `SELECT ${keyExpr} AS key, kind, outcome, NULL::int AS bin, count(*)::text AS n
       FROM stats_transitions WHERE ${where} GROUP BY 1, 2, 3
     UNION ALL
     `}SELECT ${keyExpr} AS key, kind, outcome, ${SQL_BIN} AS bin, count(*)::text AS n
       FROM stats_transitions WHERE ${where} AND outcome IN ('sent', 'acknowledged') AND latency_ms IS NOT NULL
      GROUP BY 1, 2, 3, 4`,
    sql.params,
  );
  return rows;
}

/** Rows of the bucket tables over whole buckets, grouped by `keyExpr`, kind, outcome (and bin). */
async function bucketAggregate(
  db: Db,
  segments: readonly BucketSegment[] | 'all',
  kind: TransmissionKind | undefined,
  keyExpr: string,
): Promise<AggregateRow[]> {
  const sql = new Sql();
  const where = sql.segments(segments);
  const kindWhere = kind === undefined ? 'true' : `kind = ${sql.param(kind)}`;
  const { rows } = await db.query<AggregateRow>(
    `SELECT ${keyExpr} AS key, kind, outcome, NULL::int AS bin, sum(n)::text AS n
       FROM stats_counts WHERE ${where} AND ${kindWhere} GROUP BY 1, 2, 3
     UNION ALL
     SELECT ${keyExpr} AS key, kind, metric AS outcome, bin, sum(n)::text AS n
       FROM stats_latency WHERE ${where} AND ${kindWhere} GROUP BY 1, 2, 3, 4`,
    sql.params,
  );
  return rows;
}

/**
 * Counts (no latency) of one dimension's partition over whole buckets, grouped by `keyExpr` (`kind`,
 * or `value` for a breakdown), for one value or all.
 */
async function dimensionAggregate(
  db: Db,
  dimension: Dimension,
  value: string | undefined,
  segments: readonly BucketSegment[] | 'all',
  kind: TransmissionKind | undefined,
  keyExpr: string,
): Promise<AggregateRow[]> {
  const sql = new Sql();
  const where = sql.segments(segments);
  const valueWhere = value === undefined ? 'true' : `value = ${sql.param(value)}`;
  const kindWhere = kind === undefined ? 'true' : `kind = ${sql.param(kind)}`;
  const { rows } = await db.query<AggregateRow>(
    `SELECT ${keyExpr} AS key, kind, outcome, NULL::int AS bin, sum(n)::text AS n
       FROM stats_dimension_counts WHERE dimension = ${sql.param(dimension)} AND ${valueWhere} AND ${where} AND ${kindWhere}
      GROUP BY 1, 2, 3`,
    sql.params,
  );
  return rows;
}

/** Counts over a range (or all time) from buckets, the ragged ends raw: `plan` picks the granularities. */
async function countsOver(
  db: Db,
  range: TimeRange | null,
  granularities: readonly Granularity[],
  filter: StatsFilter,
  keyExpr: string,
  buckets: (segments: readonly BucketSegment[] | 'all') => Promise<AggregateRow[]>,
): Promise<AggregateRow[]> {
  if (range === null) return buckets('all');
  const plan = planRange(range, granularities);
  const [whole, ends] = await Promise.all([
    buckets(plan.buckets),
    plan.raw.length === 0 ? Promise.resolve([]) : rawAggregate(db, plan.raw, filter, keyExpr),
  ]);
  return [...whole, ...ends.filter((row) => row.bin === null)];
}

/** The one dimension a filter narrows to, when it can be read from the dimension counts. */
function dimensionOf(filter: StatsFilter): { dimension: Dimension; value: string } | undefined {
  if (filter.siren !== undefined && filter.departement !== undefined) return undefined;
  if (filter.siren !== undefined) return { dimension: 'siren', value: filter.siren };
  if (filter.departement !== undefined) return { dimension: 'departement', value: filter.departement };
  return undefined;
}

/** In flight now, per kind (with the dimension filters). */
async function inFlightByKind(db: Db, filter: StatsFilter): Promise<Map<string, number>> {
  const sql = new Sql();
  const statuses = sql.param(IN_FLIGHT_STATUSES);
  const { rows } = await db.query<{ kind: string; n: string }>(
    `SELECT kind, count(*)::text AS n FROM stats_transmissions WHERE status = ANY(${statuses}::text[]) AND ${sql.filters(filter)} GROUP BY kind`,
    sql.params,
  );
  return new Map(rows.map((r) => [r.kind, Number(r.n)]));
}

/** When the statistics last moved: the recording time of the last event they include. */
export async function statsAsOf(db: Db): Promise<string | null> {
  const { rows } = await db.query<{ at: Date | null }>(
    `SELECT (SELECT recorded_at FROM events WHERE global_position = c.global_position) AS at
       FROM checkpoints c WHERE c.name = $1`,
    [STATS_CHECKPOINT_NAME],
  );
  return rows[0]?.at?.toISOString() ?? null;
}

/** Whether the filter reads the transitions rather than the bucket tables. */
const byDimension = (filter: StatsFilter): boolean => filter.departement !== undefined || filter.siren !== undefined;

/**
 * `GET /api/v1/stats/summary`: the number of transmissions whose status event of each name was
 * recorded in [from, to) (all time without a range), in flight now, and latency percentiles.
 */
export async function statsSummary(db: Db, filter: StatsFilter): Promise<StatsSummary> {
  const range = filter.from !== undefined || filter.to !== undefined ? { from: filter.from ?? new Date(0), to: filter.to ?? new Date(8.64e15) } : null;
  const tally = new Tally();
  const kindKey = 'kind';
  const narrowed = dimensionOf(filter);
  if (narrowed !== undefined) {
    const [counts, latency] = await Promise.all([
      countsOver(db, range, ['day', 'month'], filter, kindKey, (segments) =>
        dimensionAggregate(db, narrowed.dimension, narrowed.value, segments, filter.kind, kindKey),
      ),
      rawAggregate(db, range === null ? null : [range], filter, kindKey, true),
    ]);
    tally.add(counts);
    tally.add(latency);
  } else if (byDimension(filter)) {
    tally.add(await rawAggregate(db, range === null ? null : [range], filter, kindKey));
  } else {
    const plan = range === null ? null : planRange(range, ['minute', 'hour', 'day', 'month']);
    const [buckets, raw] = await Promise.all([
      bucketAggregate(db, plan === null ? 'all' : plan.buckets, filter.kind, kindKey),
      plan === null || plan.raw.length === 0 ? Promise.resolve([]) : rawAggregate(db, plan.raw, filter, kindKey),
    ]);
    tally.add(buckets);
    tally.add(raw);
  }
  const [inFlight, asOf] = await Promise.all([inFlightByKind(db, filter), statsAsOf(db)]);
  const figures = (keys: readonly TransmissionKind[]): SummaryFigures => ({
    ...sumCounts(keys.map((k) => tally.countsOf(k))),
    inFlight: keys.reduce((sum, k) => sum + (inFlight.get(k) ?? 0), 0),
    latencyMs: percentilesOf(tally.histogram(keys, 'acknowledged')),
    latencyToSentMs: percentilesOf(tally.histogram(keys, 'sent')),
  });
  const kinds: TransmissionKind[] = filter.kind === undefined ? ['acte', 'pes'] : [filter.kind];
  return {
    ...figures(kinds),
    byKind: { acte: figures(kinds.includes('acte') ? ['acte'] : []), pes: figures(kinds.includes('pes') ? ['pes'] : []) },
    ...(range !== null && filter.from !== undefined && { from: range.from.toISOString() }),
    ...(range !== null && filter.to !== undefined && { to: range.to.toISOString() }),
    asOf,
  };
}

/** The most points a series answers. */
export const MAX_SERIES_POINTS = 1500;

/** `GET /api/v1/stats/series`: every bucket of [from, to), oldest first, zeros included. */
export async function statsSeries(db: Db, filter: StatsFilter & { from: Date; to: Date }, bucket: Granularity): Promise<StatsSeries> {
  const first = bucketStart(bucket, filter.from);
  const end = filter.to;
  const tally = new Tally();
  const epochOf = (column: string) => `extract(epoch from ${column})::bigint::text`;
  if (byDimension(filter)) {
    const truncated = `date_trunc('${bucket}', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`;
    tally.add(await rawAggregate(db, [{ from: first, to: end }], filter, epochOf(truncated)));
  } else {
    tally.add(await bucketAggregate(db, [{ granularity: bucket, from: first, to: end }], filter.kind, epochOf('bucket')));
  }
  const points: SeriesPoint[] = [];
  for (let t = first; t.getTime() < end.getTime(); t = nextBucketStart(bucket, t)) {
    const key = String(t.getTime() / 1000);
    points.push({
      at: t.toISOString(),
      ...tally.countsOf(key),
      latencyMs: percentilesOf(tally.histogram([key], 'acknowledged')),
      latencyToSentMs: percentilesOf(tally.histogram([key], 'sent')),
    });
  }
  return { bucket, from: first.toISOString(), to: end.toISOString(), points };
}

/** `GET /api/v1/stats/breakdown`: counts per département, nature or collectivité, most received first. */
export async function statsBreakdown(db: Db, by: Dimension, filter: StatsFilter, limit: number): Promise<StatsBreakdown> {
  const tally = new Tally();
  const range = filter.from !== undefined || filter.to !== undefined ? { from: filter.from ?? new Date(0), to: filter.to ?? new Date(8.64e15) } : null;
  if (byDimension(filter)) {
    tally.add(await rawAggregate(db, range === null ? null : [range], filter, by));
  } else {
    tally.add(await countsOver(db, range, ['day', 'month'], filter, by, (segments) => dimensionAggregate(db, by, undefined, segments, filter.kind, 'value')));
  }
  const inFlight = new Map<string, number>();
  if (by !== 'nature') {
    const sql = new Sql();
    const statuses = sql.param(IN_FLIGHT_STATUSES);
    const { rows } = await db.query<{ key: string; n: string }>(
      `SELECT ${by} AS key, count(*)::text AS n FROM stats_transmissions
        WHERE status = ANY(${statuses}::text[]) AND ${sql.filters(filter)} GROUP BY 1`,
      sql.params,
    );
    for (const row of rows) {
      inFlight.set(row.key, Number(row.n));
      tally.countsOf(row.key);
    }
  }
  const ranked = tally
    .keys()
    .map((value) => ({ value, counts: tally.countsOf(value) }))
    .sort((a, b) => b.counts.received - a.counts.received || (inFlight.get(b.value) ?? 0) - (inFlight.get(a.value) ?? 0) || a.value.localeCompare(b.value))
    .slice(0, limit);
  const names = by === 'siren' ? await collectiviteNames(db, ranked.map((r) => r.value)) : new Map<string, string>();
  return {
    by,
    ...(filter.from !== undefined && { from: filter.from.toISOString() }),
    ...(filter.to !== undefined && { to: filter.to.toISOString() }),
    items: ranked.map(({ value, counts }) => ({
      value,
      label: names.get(value) ?? value,
      ...counts,
      ...(by !== 'nature' && { inFlight: inFlight.get(value) ?? 0 }),
    })),
  };
}

async function collectiviteNames(db: Db, sirens: readonly string[]): Promise<Map<string, string>> {
  if (sirens.length === 0) return new Map();
  const { rows } = await db.query<{ siren: string; nom: string }>('SELECT siren, nom FROM stats_collectivites WHERE siren = ANY($1::text[])', [sirens]);
  return new Map(rows.map((r) => [r.siren, r.nom]));
}

interface BacklogRow {
  id: string;
  kind: TransmissionKind;
  siren: string;
  nom: string | null;
  departement: string;
  label: string;
  status: BacklogItem['status'];
  received_at: Date;
  status_at: Date;
}

/** `GET /api/v1/stats/backlog`: what waits now, by status, the oldest first; and what failed. */
export async function statsBacklog(db: Db, limit: number, now: Date): Promise<StatsBacklog> {
  const open = [...IN_FLIGHT_STATUSES, 'failed'];
  const item = (r: BacklogRow): BacklogItem => ({
    id: r.id,
    kind: r.kind,
    siren: r.siren,
    nom: r.nom,
    departement: r.departement,
    label: r.label,
    status: r.status,
    receivedAt: r.received_at.toISOString(),
    statusAt: r.status_at.toISOString(),
    ageMs: Math.max(0, now.getTime() - r.received_at.getTime()),
  });
  const columns = `t.id, t.kind, t.siren, c.nom, t.departement, t.label, t.status, t.received_at, t.status_at`;
  const [byStatus, oldest, failed] = await Promise.all([
    db.query<{ status: string; n: string; oldest: Date }>(
      'SELECT status, count(*)::text AS n, min(received_at) AS oldest FROM stats_transmissions WHERE status = ANY($1::text[]) GROUP BY status',
      [open],
    ),
    db.query<BacklogRow>(
      `SELECT ${columns} FROM stats_transmissions t LEFT JOIN stats_collectivites c USING (siren)
        WHERE t.status = ANY($1::text[]) ORDER BY t.received_at, t.id LIMIT $2`,
      [IN_FLIGHT_STATUSES, limit],
    ),
    db.query<BacklogRow>(
      `SELECT ${columns} FROM stats_transmissions t LEFT JOIN stats_collectivites c USING (siren)
        WHERE t.status = 'failed' ORDER BY t.received_at, t.id LIMIT $1`,
      [limit],
    ),
  ]);
  const stat = (status: string) => {
    const row = byStatus.rows.find((r) => r.status === status);
    return { count: Number(row?.n ?? 0), oldestAt: row?.oldest.toISOString() ?? null };
  };
  const statuses = { received: stat('received'), validated: stat('validated'), routed: stat('routed'), sent: stat('sent') };
  return {
    now: now.toISOString(),
    inFlight: { total: Object.values(statuses).reduce((sum, s) => sum + s.count, 0), byStatus: statuses },
    failed: stat('failed'),
    oldest: oldest.rows.map(item),
    failedItems: failed.rows.map(item),
  };
}

/** `GET /api/v1/stats/reasons`: the most frequent codes of rejection, refusal and failure in the range. */
export async function statsReasons(db: Db, filter: StatsFilter, limit: number): Promise<StatsReasons> {
  const sql = new Sql();
  const range =
    filter.from !== undefined || filter.to !== undefined
      ? sql.ranges('at', [{ from: filter.from ?? new Date(0), to: filter.to ?? new Date(8.64e15) }])
      : 'true';
  const { rows } = await db.query<{ outcome: Outcome; code: string; n: string }>(
    `SELECT outcome, code, count(*)::text AS n FROM (
       SELECT outcome, unnest(reasons) AS code FROM stats_transitions
        WHERE outcome IN ('rejected', 'nacked', 'partially_accepted', 'failed') AND ${range} AND ${sql.filters(filter)}) r
      GROUP BY 1, 2 ORDER BY count(*) DESC, code`,
    sql.params,
  );
  const of = (outcome: Outcome) => rows.filter((r) => r.outcome === outcome).slice(0, limit).map((r) => ({ code: r.code, count: Number(r.n) }));
  return {
    ...(filter.from !== undefined && { from: filter.from.toISOString() }),
    ...(filter.to !== undefined && { to: filter.to.toISOString() }),
    rejected: of('rejected'),
    nacked: of('nacked'),
    partiallyAccepted: of('partially_accepted'),
    failed: of('failed'),
  };
}

/** An endpoint of the routing table, as the windows figures need it. */
export interface WindowedEndpoint {
  readonly id: string;
  readonly label: string;
  readonly window?: { readonly bytes: number; readonly seconds: number };
}

/** Uncapped endpoints are shown per hour. */
const UNCAPPED_WINDOW_SECONDS = 3600;

/**
 * `GET /api/v1/stats/windows`: per endpoint, the bytes sent and waits in each of its windows that
 * overlap [from, to). Windows are aligned on the epoch as the transmitter aligns them; the use is
 * counted per minute, so a window shorter than a minute or not a whole number of minutes is approximated.
 */
export async function statsWindows(db: Db, endpoints: readonly WindowedEndpoint[], range: { from: Date; to: Date }): Promise<StatsWindows> {
  const { rows } = await db.query<{ endpoint_id: string; minute: Date; bytes: string; sent: string; deferred: string }>(
    `SELECT endpoint_id, minute, bytes::text, sent::text, deferred::text FROM stats_window_use
      WHERE endpoint_id = ANY($1::text[]) AND minute >= $2 AND minute < $3`,
    [endpoints.map((e) => e.id), bucketStart('minute', range.from), range.to],
  );
  return {
    endpoints: endpoints.map((endpoint) => {
      const seconds = endpoint.window?.seconds ?? UNCAPPED_WINDOW_SECONDS;
      const length = seconds * 1000;
      const windows = new Map<number, { bytes: number; sent: number; deferred: number }>();
      for (const row of rows.filter((r) => r.endpoint_id === endpoint.id)) {
        const start = Math.floor(row.minute.getTime() / length) * length;
        const w = windows.get(start) ?? { bytes: 0, sent: 0, deferred: 0 };
        windows.set(start, { bytes: w.bytes + Number(row.bytes), sent: w.sent + Number(row.sent), deferred: w.deferred + Number(row.deferred) });
      }
      const figures: WindowFigures[] = [...windows]
        .sort(([a], [b]) => a - b)
        .map(([start, w]) => ({ start: new Date(start).toISOString(), ...w, used: endpoint.window === undefined ? null : w.bytes / endpoint.window.bytes }));
      return {
        endpointId: endpoint.id,
        label: endpoint.label,
        window: endpoint.window === undefined ? null : { bytes: endpoint.window.bytes, seconds: endpoint.window.seconds },
        windows: figures,
      };
    }),
  };
}
