import { describe, expect, it } from '@jest/globals';
import { bucketStart, planRange } from './time-buckets.js';

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
