import type { TransmissionKind } from '@relais/domain';
import { bucketCount, MAX_SERIES_POINTS, type Dimension, type Granularity, type StatsFilter } from '@relais/read-models';
import { ApiError } from '../errors/api-error.js';
import { GatewayErrorCode } from '../errors/error-codes.js';
import { invalidQuery, queryInstant, queryOneOf, queryText } from '../query-params.js';

/** The raw query string of the statistics calls. */
export interface RawStatsQuery {
  readonly from?: unknown;
  readonly to?: unknown;
  readonly kind?: unknown;
  readonly departement?: unknown;
  readonly siren?: unknown;
  readonly bucket?: unknown;
  readonly by?: unknown;
  readonly limit?: unknown;
}

const KINDS: readonly TransmissionKind[] = ['acte', 'pes'];
const BUCKETS: readonly Granularity[] = ['minute', 'hour', 'day', 'month'];
const DIMENSIONS: readonly Dimension[] = ['departement', 'siren', 'nature'];
/** The 3-character @ctes département code (`021`, `02A`, `974`). */
const DEPARTEMENT = /^[0-9]{2}[0-9AB]$/;
const SIREN = /^[0-9]{9}$/;

/** The default span of a series and of the windows: the last 24 hours. */
export const DEFAULT_SPAN_MS = 86_400_000;

/** The filters of every statistics call; 400 REQUEST.INVALID_QUERY naming the parameter at fault. Pure. */
export function parseStatsFilter(raw: RawStatsQuery): StatsFilter {
  const from = queryInstant('from', raw.from);
  const to = queryInstant('to', raw.to);
  if (from !== undefined && to !== undefined && from.getTime() >= to.getTime()) throw invalidQuery('to', 'to must be after from');
  const kind = queryOneOf('kind', raw.kind, KINDS);
  const departement = matching('departement', raw.departement, DEPARTEMENT, 'departement must be a 3-character @ctes code such as 021, 02A or 974');
  const siren = matching('siren', raw.siren, SIREN, 'siren must be 9 digits');
  return {
    ...(from !== undefined && { from }),
    ...(to !== undefined && { to }),
    ...(kind !== undefined && { kind }),
    ...(departement !== undefined && { departement }),
    ...(siren !== undefined && { siren }),
  };
}

/** A series' range (default: the last 24 h before `now`) and bucket (default: hour), at most MAX_SERIES_POINTS buckets. */
export function parseSeriesQuery(raw: RawStatsQuery, now: Date): { filter: StatsFilter & { from: Date; to: Date }; bucket: Granularity } {
  const filter = parseStatsFilter(raw);
  const bucket = queryOneOf('bucket', raw.bucket, BUCKETS) ?? 'hour';
  const to = filter.to ?? now;
  const from = filter.from ?? new Date(to.getTime() - DEFAULT_SPAN_MS);
  if (from.getTime() >= to.getTime()) throw invalidQuery('from', 'from must be before to');
  const points = bucketCount(bucket, from, to);
  if (points > MAX_SERIES_POINTS) {
    throw ApiError.of(
      400,
      GatewayErrorCode.TooManyPoints,
      `[from, to) holds ${points} ${bucket} buckets; at most ${MAX_SERIES_POINTS}: choose a coarser bucket or a shorter range`,
      'bucket',
    );
  }
  return { filter: { ...filter, from, to }, bucket };
}

/** The dimension of a breakdown (required). */
export function parseDimension(raw: RawStatsQuery): Dimension {
  const by = queryOneOf('by', raw.by, DIMENSIONS);
  if (by === undefined) throw invalidQuery('by', `by is required: one of ${DIMENSIONS.join(', ')}`);
  return by;
}

/** A list's length: 1 to `max`, `fallback` when absent. */
export function parseLimit(raw: RawStatsQuery, fallback: number, max: number): number {
  const given = queryText('limit', raw.limit);
  if (given === undefined) return fallback;
  const limit = /^[0-9]{1,6}$/.test(given) ? Number(given) : Number.NaN;
  if (!(limit >= 1 && limit <= max)) throw invalidQuery('limit', `limit must be an integer from 1 to ${max}`);
  return limit;
}

function matching(name: string, value: unknown, pattern: RegExp, message: string): string | undefined {
  const given = queryText(name, value);
  if (given !== undefined && !pattern.test(given)) throw invalidQuery(name, message);
  return given;
}
