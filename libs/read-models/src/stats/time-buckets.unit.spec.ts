import { describe, expect, it } from '@jest/globals';
import { bucketCount, bucketStart, nextBucketStart, planRange } from './time-buckets.js';

const d = (iso: string) => new Date(iso);

describe('planRange', () => {
  it('covers [from, to) with whole days, hours and minutes, and reads only the ragged seconds raw', () => {
    const plan = planRange({ from: d('2026-03-01T22:58:30Z'), to: d('2026-03-04T01:02:10Z') }, ['minute', 'hour', 'day']);
    expect(plan.buckets.map((b) => [b.granularity, b.from.toISOString(), b.to.toISOString()])).toEqual([
      ['minute', '2026-03-01T22:59:00.000Z', '2026-03-01T23:00:00.000Z'],
      ['hour', '2026-03-01T23:00:00.000Z', '2026-03-02T00:00:00.000Z'],
      ['day', '2026-03-02T00:00:00.000Z', '2026-03-04T00:00:00.000Z'],
      ['hour', '2026-03-04T00:00:00.000Z', '2026-03-04T01:00:00.000Z'],
      ['minute', '2026-03-04T01:00:00.000Z', '2026-03-04T01:02:00.000Z'],
    ]);
    expect(plan.raw.map((r) => [r.from.toISOString(), r.to.toISOString()])).toEqual([
      ['2026-03-01T22:58:30.000Z', '2026-03-01T22:59:00.000Z'],
      ['2026-03-04T01:02:00.000Z', '2026-03-04T01:02:10.000Z'],
    ]);
  });

  it('falls back to raw reading when no whole bucket fits', () => {
    const plan = planRange({ from: d('2026-03-01T10:00:05Z'), to: d('2026-03-01T10:00:50Z') }, ['minute', 'hour', 'day']);
    expect(plan.buckets).toEqual([]);
    expect(plan.raw).toHaveLength(1);
  });

  it('keeps an aligned range whole', () => {
    const plan = planRange({ from: d('2026-03-01T00:00:00Z'), to: d('2026-03-02T00:00:00Z') }, ['hour', 'day']);
    expect(plan).toEqual({ buckets: [{ granularity: 'day', from: d('2026-03-01T00:00:00Z'), to: d('2026-03-02T00:00:00Z') }], raw: [] });
  });

  it('aligns buckets on UTC', () => {
    expect(bucketStart('day', d('2026-03-01T23:59:59.999Z')).toISOString()).toBe('2026-03-01T00:00:00.000Z');
  });
});

describe('calendar months', () => {
  it('start on the first of the month, UTC, and count across years', () => {
    expect(bucketStart('month', d('2026-02-28T23:59:59Z')).toISOString()).toBe('2026-02-01T00:00:00.000Z');
    expect(nextBucketStart('month', d('2026-12-01T00:00:00Z')).toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(bucketCount('month', d('2025-11-15T00:00:00Z'), d('2026-02-01T00:00:00Z'))).toBe(3);
    expect(bucketCount('month', d('2025-11-15T00:00:00Z'), d('2026-02-02T00:00:00Z'))).toBe(4);
    expect(bucketCount('hour', d('2026-03-01T00:30:00Z'), d('2026-03-01T06:00:00Z'))).toBe(6);
  });

  it('plan a year as months, then days and hours at the ends', () => {
    const plan = planRange({ from: d('2025-11-29T03:01:00Z'), to: d('2026-11-29T03:01:00Z') }, ['minute', 'hour', 'day', 'month']);
    expect(plan.buckets.map((b) => [b.granularity, b.from.toISOString().slice(0, 16), b.to.toISOString().slice(0, 16)])).toEqual([
      ['minute', '2025-11-29T03:01', '2025-11-29T04:00'],
      ['hour', '2025-11-29T04:00', '2025-11-30T00:00'],
      ['day', '2025-11-30T00:00', '2025-12-01T00:00'],
      ['month', '2025-12-01T00:00', '2026-11-01T00:00'],
      ['day', '2026-11-01T00:00', '2026-11-29T00:00'],
      ['hour', '2026-11-29T00:00', '2026-11-29T03:00'],
      ['minute', '2026-11-29T03:00', '2026-11-29T03:01'],
    ]);
    expect(plan.raw).toEqual([]);
  });
});
