import { BINS_PER_DOUBLING, binBounds, binValue } from '@relais/read-models';

/**
 * The stored latency histograms (four log-scale bins per doubling, see `latencyBin`) as Prometheus
 * buckets: one upper bound every fourth bin boundary, that is every power of two of milliseconds from
 * 16 ms (2^4) to about 50 days (2^32 ms). Each bound is a bin boundary, so a bucket's count is exact.
 */
export const LATENCY_BOUNDS_MS: readonly number[] = Array.from({ length: 29 }, (_, i) => binBounds((i + 4) * BINS_PER_DOUBLING).upper);

/** One cumulative bucket: samples below `leSeconds` (Infinity for `+Inf`). */
export interface CumulativeBucket {
  readonly leSeconds: number;
  readonly count: number;
}

/** A histogram in Prometheus' shape. */
export interface CumulativeHistogram {
  /** Increasing bounds, the last `+Inf`; counts never decrease and the last is `count`. */
  readonly buckets: readonly CumulativeBucket[];
  /** Approximate: each sample counted at its bin's geometric middle (`binValue`), in seconds. */
  readonly sumSeconds: number;
  readonly count: number;
}

/**
 * Turns counts per stored bin into cumulative buckets at `boundsMs` (increasing bin boundaries): a
 * bucket holds every bin whose upper bound is at most its bound; `+Inf` holds them all. Pure.
 */
export function cumulativeHistogram(bins: ReadonlyMap<number, number>, boundsMs: readonly number[] = LATENCY_BOUNDS_MS): CumulativeHistogram {
  let count = 0;
  let sumMs = 0;
  for (const [bin, n] of bins) {
    count += n;
    sumMs += n * binValue(bin);
  }
  const buckets = boundsMs.map((bound) => {
    let below = 0;
    for (const [bin, n] of bins) if (binBounds(bin).upper <= bound) below += n;
    return { leSeconds: bound / 1000, count: below };
  });
  return { buckets: [...buckets, { leSeconds: Infinity, count }], sumSeconds: sumMs / 1000, count };
}
