import { describe, expect, it } from '@jest/globals';
import { addToHistogram, binBounds, binValue, latencyBin, percentilesOf } from './latency-histogram.js';

/** The exact nearest-rank percentile, as PostgreSQL's percentile_disc computes it. */
function exact(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1]!;
}

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

describe('latency histogram', () => {
  it('puts each latency in the bin whose bounds hold it, and reports a value of that bin', () => {
    for (const ms of [0, 0.5, 1, 2, 3, 999, 1000, 60_000, 3_600_000, 86_400_000, 30 * 86_400_000]) {
      const bin = latencyBin(ms);
      const { lower, upper } = binBounds(bin);
      expect(ms).toBeGreaterThanOrEqual(lower);
      expect(ms).toBeLessThan(upper);
      expect(latencyBin(binValue(bin))).toBe(bin);
    }
  });

  it('gives percentiles in the same bin as the exact nearest-rank value, for skewed samples', () => {
    const next = random(7);
    for (let run = 0; run < 20; run++) {
      const samples = Array.from({ length: 1 + Math.floor(next() * 5000) }, () => Math.floor(Math.exp(next() * 14) * (next() < 0.05 ? 50 : 1)));
      const histogram = new Map<number, number>();
      for (const ms of samples) addToHistogram(histogram, latencyBin(ms));
      const got = percentilesOf(histogram);
      for (const [p, value] of [[0.5, got.p50], [0.95, got.p95], [0.99, got.p99]] as const) {
        expect(latencyBin(value!)).toBe(latencyBin(exact(samples, p)));
      }
    }
  });

  it('has no percentile without a sample', () => {
    expect(percentilesOf(new Map())).toEqual({ p50: null, p95: null, p99: null });
  });
});
