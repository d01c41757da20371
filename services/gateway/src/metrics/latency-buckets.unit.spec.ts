import { describe, expect, it } from '@jest/globals';
import { LAST_BIN, latencyBin } from '@relais/read-models';
import { cumulativeHistogram, LATENCY_BOUNDS_MS } from './latency-buckets.js';

const at = (le: number, histogram: ReturnType<typeof cumulativeHistogram>): number | undefined =>
  histogram.buckets.find((bucket) => bucket.leSeconds === le)?.count;

describe('latency buckets from the stored bins', () => {
  it('puts a bound at every power of two of milliseconds from 16 ms to 2^32 ms, each a bin boundary', () => {
    expect(LATENCY_BOUNDS_MS).toEqual(Array.from({ length: 29 }, (_, i) => 2 ** (i + 4)));
    for (const bound of LATENCY_BOUNDS_MS) {
      // A sample just below the bound lies in a bin wholly below it; one at the bound, in the next.
      expect(latencyBin(bound * (1 - 1e-9))).toBeLessThan(latencyBin(bound));
    }
  });

  it('counts each sample in every bucket at or above its bin, with +Inf and _count holding them all', () => {
    // 40 ms → bin 22 ([38.1, 45.3) ms); 1000 ms → bin 40 ([861, 1024) ms); 1024 ms → bin 41; 5 days → bin 115 (below 2^28.75 ms).
    const samples = [0.5, 40, 40, 1000, 1024, 5 * 86_400_000];
    const bins = new Map<number, number>();
    for (const ms of samples) bins.set(latencyBin(ms), (bins.get(latencyBin(ms)) ?? 0) + 1);
    const histogram = cumulativeHistogram(bins);
    expect(at(0.016, histogram)).toBe(1);
    expect(at(0.032, histogram)).toBe(1);
    expect(at(0.064, histogram)).toBe(3);
    expect(at(0.512, histogram)).toBe(3);
    expect(at(1.024, histogram)).toBe(4);
    expect(at(2.048, histogram)).toBe(5);
    expect(at(2 ** 28 / 1000, histogram)).toBe(5);
    expect(at(2 ** 29 / 1000, histogram)).toBe(6);
    expect(histogram.buckets.at(-1)).toEqual({ leSeconds: Infinity, count: 6 });
    expect(histogram.count).toBe(6);
    const counts = histogram.buckets.map((bucket) => bucket.count);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    // Each sample at its bin's middle: within a bin's width (19 %) of the true total.
    const exact = samples.reduce((sum, ms) => sum + ms, 0) / 1000;
    expect(Math.abs(histogram.sumSeconds - exact) / exact).toBeLessThan(0.2);
  });

  it('keeps the last bin, which has no upper bound, for +Inf alone', () => {
    const histogram = cumulativeHistogram(new Map([[LAST_BIN, 2]]));
    expect(histogram.buckets.slice(0, -1).every((bucket) => bucket.count === 0)).toBe(true);
    expect(histogram.buckets.at(-1)?.count).toBe(2);
  });

  it('gives zero buckets and a zero sum for no sample', () => {
    const histogram = cumulativeHistogram(new Map());
    expect(histogram.buckets).toHaveLength(LATENCY_BOUNDS_MS.length + 1);
    expect(histogram.buckets.every((bucket) => bucket.count === 0)).toBe(true);
    expect(histogram).toEqual(expect.objectContaining({ count: 0, sumSeconds: 0 }));
  });
});
