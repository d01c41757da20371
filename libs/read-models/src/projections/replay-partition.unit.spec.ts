import { describe, expect, it } from '@jest/globals';
import type { EventTextRow } from '@relais/event-store';
import { fuzz } from '@relais/testing';
import fc from 'fast-check';
import { aggregateStats, OUTCOMES, type Transition, type WindowUse } from '../stats/stats-fold.js';
import { copyLine } from './copy.js';
import { partitionOf, splitRows } from './replay-partition.js';
import { mergeShared, type SharedTable } from './shared-rows.js';
import { StatsBuckets } from './stats-buckets.js';

const instant = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2045-12-31T23:59:59Z'), noInvalidDate: true });
// Dimension values a COPY line must escape (tabs, newlines, backslashes) among ordinary ones.
const text = fc.oneof(fc.constantFrom('021', '213100017', 'DE', 'PES', ''), fc.string({ unit: fc.constantFrom('a', '\t', '\n', '\\', 'é') }));
const transition: fc.Arbitrary<Transition> = fc.record({
  transmissionId: fc.uuid(),
  outcome: fc.constantFrom(...OUTCOMES),
  at: instant,
  kind: fc.constantFrom('acte' as const, 'pes' as const),
  siren: text,
  departement: text,
  nature: text,
  latencyMs: fc.option(fc.nat({ max: 400 * 86_400_000 }), { nil: null }),
  reasons: fc.constant([]),
});
const windowUse: fc.Arbitrary<WindowUse> = fc.record({
  endpointId: fc.constantFrom('prefecture-21', 'helios', 'tab\there'),
  at: instant,
  bytes: fc.nat(),
  sent: fc.nat({ max: 1 }),
  deferred: fc.nat({ max: 1 }),
});

/** aggregateStats' deltas (the live path's) as the COPY lines of their tables. */
function referenceLines(transitions: readonly Transition[], uses: readonly WindowUse[]): Record<string, string[]> {
  const d = aggregateStats(transitions, uses);
  return {
    stats_counts: d.counts.map((c) => copyLine([c.granularity, c.bucket, c.kind, c.outcome, c.n])).sort(),
    stats_dimension_counts: d.dimensionCounts.map((c) => copyLine([c.granularity, c.dimension, c.bucket, c.value, c.kind, c.outcome, c.n])).sort(),
    stats_latency: d.latency.map((l) => copyLine([l.granularity, l.bucket, l.kind, l.metric, l.bin, l.n])).sort(),
    stats_window_use: d.windows.map((w) => copyLine([w.endpointId, w.minute, w.bytes, w.sent, w.deferred])).sort(),
  };
}

/** The transitions folded by `partitions` StatsBuckets (each its share), merged as a replay merges them. */
function partitionedLines(transitions: readonly Transition[], uses: readonly WindowUse[], partitions: number): Record<string, string[]> {
  const buckets = Array.from({ length: partitions }, () => new StatsBuckets());
  transitions.forEach((t, i) => buckets[i % partitions]?.addTransition(t));
  uses.forEach((u, i) => buckets[(i + 1) % partitions]?.addWindowUse(u));
  const parts = buckets.map((b) => b.tables());
  const lines: Record<string, string[]> = {};
  (parts[0] ?? []).forEach((table, t) => {
    lines[table.table] = mergeShared(parts.map((p) => p[t] as SharedTable)).lines.sort();
  });
  return lines;
}

describe("a parallel replay's statistics", () => {
  it('count every bucket as the live aggregation does, however the transitions are shared out', async () => {
    await fuzz(
      'read-models.StatsBuckets: equal to aggregateStats',
      fc.property(fc.array(transition, { maxLength: 40 }), fc.array(windowUse, { maxLength: 10 }), fc.integer({ min: 1, max: 4 }), (transitions, uses, partitions) => {
        expect(partitionedLines(transitions, uses, partitions)).toEqual(referenceLines(transitions, uses));
      }),
    );
  });

  it('merge shared rows: values added up per key, the same rows kept once, parts of different tables refused', () => {
    const part = (keys: string[], values: number[], merge: SharedTable['merge'] = 'sum'): SharedTable => ({
      table: 't',
      columns: ['k', 'n', 'm'],
      keys,
      values: Float64Array.from(values),
      valueCount: merge === 'sum' ? 2 : 0,
      merge,
    });
    expect(mergeShared([part(['a', 'b'], [1, 10, 2, 20]), part(['b', 'c'], [3, 30, 4, 40])]).lines).toEqual(['a\t1\t10', 'b\t5\t50', 'c\t4\t40']);
    expect(mergeShared([part(['x\ty'], [], 'same'), part(['x\ty'], [], 'same')]).lines).toEqual(['x\ty']);
    expect(() => mergeShared([part(['a'], [1, 1]), { ...part(['a'], [1, 1]), table: 'u' }])).toThrow(/disagree/);
  });
});

describe('rows shared out to partitions', () => {
  const row = (position: number, stream: string, type: string): EventTextRow => [String(position), '1', stream, '1', 'id', type, '{}', '{}', 'at', '\\x'];

  it("send each stream's events to one partition in reading order, and every other event to all", () => {
    const rows = [
      row(1, 'collectivite-1', 'relais.collectivite.v1.CollectiviteRegistered'),
      ...Array.from({ length: 60 }, (_, i) => row(i + 2, `transmission-${i % 7}`, 'relais.transmission.v1.TransmissionReceived')),
      row(99, 'admin', 'relais.admin.v1.AdminActionRecorded'),
    ];
    const pages = splitRows(rows, 3);
    for (const page of pages) {
      expect(page[0]?.[2]).toBe('collectivite-1');
      expect(page.at(-1)?.[2]).toBe('admin');
      expect(page.map((r) => Number(r[0]))).toEqual([...page.map((r) => Number(r[0]))].sort((a, b) => a - b));
    }
    for (let s = 0; s < 7; s++) {
      const holding = pages.filter((page) => page.some((r) => r[2] === `transmission-${s}`));
      expect(holding).toEqual([pages[partitionOf(`transmission-${s}`, 3)]]);
    }
    expect(pages.flat().filter((r) => r[2].startsWith('transmission-')).length).toBe(60);
  });
});
