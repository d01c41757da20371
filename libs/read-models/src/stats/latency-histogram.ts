/**
 * A mergeable latency histogram: log-scale bins, four per doubling (each about 19 % wide), from 1 ms
 * to about a year. Histograms of any periods add bin by bin, so a percentile over a day, a month or a
 * year is read from stored per-period bins, never from the raw samples; it lies in the same bin as the
 * exact value (nearest rank), that is within one bin of it.
 */

/** Bins per doubling of the latency. */
export const BINS_PER_DOUBLING = 4;
/** The last bin holds everything from 2^(LAST_BIN-1)/4 ms (about 1.1 years) up. */
export const LAST_BIN = 140;

/** The bin of a latency in milliseconds: 0 for under 1 ms, then 1 + floor(4·log2(ms)). */
export function latencyBin(ms: number): number {
  if (!(ms >= 1)) return 0;
  return Math.min(LAST_BIN, 1 + Math.floor(BINS_PER_DOUBLING * Math.log2(ms)));
}

/** The bin's bounds in milliseconds, [lower, upper). */
export function binBounds(bin: number): { readonly lower: number; readonly upper: number } {
  if (bin <= 0) return { lower: 0, upper: 1 };
  return { lower: 2 ** ((bin - 1) / BINS_PER_DOUBLING), upper: bin >= LAST_BIN ? Infinity : 2 ** (bin / BINS_PER_DOUBLING) };
}

/** What a percentile falling in the bin reports: its geometric middle, in whole milliseconds. */
export function binValue(bin: number): number {
  if (bin <= 0) return 0;
  return Math.round(2 ** ((bin - 0.5) / BINS_PER_DOUBLING));
}

/** A histogram: count per bin. */
export type Histogram = ReadonlyMap<number, number>;

/** The three percentiles the API reports, in milliseconds; null when there is no sample. */
export interface Percentiles {
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
}

/**
 * The nearest-rank percentiles of a histogram: for p, the bin holding the ceil(p·n)-th smallest
 * sample, reported as that bin's value.
 */
export function percentilesOf(histogram: Histogram): Percentiles {
  const bins = [...histogram.entries()].filter(([, n]) => n > 0).sort(([a], [b]) => a - b);
  const total = bins.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return { p50: null, p95: null, p99: null };
  const at = (p: number): number => {
    const rank = Math.max(1, Math.ceil(p * total));
    let seen = 0;
    let last = 0;
    for (const [bin, n] of bins) {
      seen += n;
      last = bin;
      if (seen >= rank) break;
    }
    return binValue(last);
  };
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

/** Adds `n` samples of `bin` to a histogram being built. */
export function addToHistogram(histogram: Map<number, number>, bin: number, n = 1): void {
  histogram.set(bin, (histogram.get(bin) ?? 0) + n);
}
