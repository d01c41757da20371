/** Time buckets of the statistics: UTC minutes, hours, days and calendar months. */
export type Granularity = 'minute' | 'hour' | 'day' | 'month';

export const GRANULARITIES: readonly Granularity[] = ['minute', 'hour', 'day', 'month'];

const FIXED_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

/** The start of the bucket holding `instant`. */
export function bucketStart(granularity: Granularity, instant: Date): Date {
  if (granularity === 'month') return new Date(Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), 1));
  const length = FIXED_MS[granularity];
  return new Date(Math.floor(instant.getTime() / length) * length);
}

/** The start of the bucket after the one starting at `start`. */
export function nextBucketStart(granularity: Granularity, start: Date): Date {
  if (granularity === 'month') return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  return new Date(start.getTime() + FIXED_MS[granularity]);
}

/** How many buckets cover [bucketStart(from), to). */
export function bucketCount(granularity: Granularity, from: Date, to: Date): number {
  const first = bucketStart(granularity, from);
  if (granularity !== 'month') return Math.ceil((to.getTime() - first.getTime()) / FIXED_MS[granularity]);
  const months = (to.getUTCFullYear() - first.getUTCFullYear()) * 12 + to.getUTCMonth() - first.getUTCMonth();
  return bucketStart('month', to).getTime() === to.getTime() ? months : months + 1;
}

/** Coarsest first. */
const ORDER: readonly Granularity[] = ['month', 'day', 'hour', 'minute'];

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
  const coarsestFirst = ORDER.filter((g) => granularities.includes(g));
  const buckets: BucketSegment[] = [];
  const raw: TimeRange[] = [];
  const split = (from: Date, to: Date, level: number): void => {
    if (from.getTime() >= to.getTime()) return;
    const granularity = coarsestFirst[level];
    if (granularity === undefined) {
      raw.push({ from, to });
      return;
    }
    const floorFrom = bucketStart(granularity, from);
    const first = floorFrom.getTime() === from.getTime() ? from : nextBucketStart(granularity, floorFrom);
    const last = bucketStart(granularity, to);
    if (first.getTime() >= last.getTime()) {
      split(from, to, level + 1);
      return;
    }
    split(from, first, level + 1);
    buckets.push({ granularity, from: first, to: last });
    split(last, to, level + 1);
  };
  split(range.from, range.to, 0);
  return { buckets, raw };
}
