/** Time buckets of the statistics: UTC minutes, hours and days, aligned on the epoch. */
export type Granularity = 'minute' | 'hour' | 'day';

export const GRANULARITIES: readonly Granularity[] = ['minute', 'hour', 'day'];

const LENGTH_MS: Record<Granularity, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** The length of a bucket in milliseconds. */
export function bucketLengthMs(granularity: Granularity): number {
  return LENGTH_MS[granularity];
}

/** The start of the bucket holding `instant`. */
export function bucketStart(granularity: Granularity, instant: Date): Date {
  const length = LENGTH_MS[granularity];
  return new Date(Math.floor(instant.getTime() / length) * length);
}

/** A half-open interval [from, to). */
export interface TimeRange {
  readonly from: Date;
  readonly to: Date;
}

/** Whole buckets of one granularity to add up, [from, to) on bucket starts. */
export interface BucketSegment extends TimeRange {
  readonly granularity: Granularity;
}

/** How to answer a count over [from, to): whole stored buckets, and the ragged ends read raw. */
export interface RangePlan {
  readonly buckets: readonly BucketSegment[];
  readonly raw: readonly TimeRange[];
}

/**
 * Splits [from, to) into the fewest whole buckets of the given granularities (coarsest first) and the
 * leftover ends, which no bucket covers exactly and are read from the per-transmission rows. Pure.
 */
export function planRange(range: TimeRange, granularities: readonly Granularity[]): RangePlan {
  const coarsestFirst = [...granularities].sort((a, b) => LENGTH_MS[b] - LENGTH_MS[a]);
  const buckets: BucketSegment[] = [];
  const raw: TimeRange[] = [];
  const split = (from: number, to: number, level: number): void => {
    if (from >= to) return;
    const granularity = coarsestFirst[level];
    if (granularity === undefined) {
      raw.push({ from: new Date(from), to: new Date(to) });
      return;
    }
    const length = LENGTH_MS[granularity];
    const first = Math.ceil(from / length) * length;
    const last = Math.floor(to / length) * length;
    if (first >= last) {
      split(from, to, level + 1);
      return;
    }
    split(from, first, level + 1);
    buckets.push({ granularity, from: new Date(first), to: new Date(last) });
    split(last, to, level + 1);
  };
  split(range.from.getTime(), range.to.getTime(), 0);
  return { buckets, raw };
}
