import type { TransmissionKind } from '@relais/domain';
import { LAST_BIN } from '../stats/latency-histogram.js';
import {
  type Dimension,
  type IncrementVisitor,
  type LatencyMetric,
  type Outcome,
  OUTCOMES,
  type Transition,
  visitIncrements,
  type WindowUse,
  windowMinute,
} from '../stats/stats-fold.js';
import { GRANULARITIES, type Granularity } from '../stats/time-buckets.js';
import { field } from './copy.js';
import type { SharedTable } from './shared-rows.js';

const KINDS: readonly TransmissionKind[] = ['acte', 'pes'];
const METRICS: readonly LatencyMetric[] = ['sent', 'acknowledged'];
const MINUTE_MS = 60_000;
/** Codes of the small fields under a bucket: granularity (4) × kind (2) × outcome (8), or × metric (2) × bin (LAST_BIN + 1). */
const COUNT_CODES = GRANULARITIES.length * KINDS.length * OUTCOMES.length;
const LATENCY_CODES = GRANULARITIES.length * KINDS.length * METRICS.length * (LAST_BIN + 1);

/**
 * The statistics' bucket tables added up as a replay folds: the same increments as `aggregateStats`
 * (both walk `visitIncrements`), but counted under numeric keys (the bucket's minute since the epoch,
 * times the codes of its small fields), which a Map hashes far faster than the text keys of the live
 * path: a year is millions of increments. Written out as COPY text keys, ready to merge with other
 * partitions' (`SharedTable`).
 */
export class StatsBuckets implements IncrementVisitor {
  private readonly counts = new Map<number, number>();
  private readonly latencies = new Map<number, number>();
  /** Per dimension and value (`dimension\tvalue` as COPY text), counts under the same keys as `counts`. */
  private readonly dimensions = new Map<string, Map<number, number>>();
  private readonly windows = new Map<string, [number, number, number]>();

  addTransition(transition: Transition): void {
    visitIncrements(transition, this);
  }

  addWindowUse(use: WindowUse): void {
    const key = `${field(use.endpointId)}\t${field(windowMinute(use))}`;
    const current = this.windows.get(key);
    if (current === undefined) this.windows.set(key, [use.bytes, use.sent, use.deferred]);
    else {
      current[0] += use.bytes;
      current[1] += use.sent;
      current[2] += use.deferred;
    }
  }

  count(granularity: Granularity, bucket: Date, kind: TransmissionKind, outcome: Outcome): void {
    bump(this.counts, countKey(granularity, bucket, kind, outcome));
  }

  latency(granularity: Granularity, bucket: Date, kind: TransmissionKind, metric: LatencyMetric, bin: number): void {
    const code = ((GRANULARITIES.indexOf(granularity) * KINDS.length + KINDS.indexOf(kind)) * METRICS.length + METRICS.indexOf(metric)) * (LAST_BIN + 1) + bin;
    bump(this.latencies, (bucket.getTime() / MINUTE_MS) * LATENCY_CODES + code);
  }

  dimension(granularity: Granularity, bucket: Date, kind: TransmissionKind, outcome: Outcome, dimension: Dimension, value: string): void {
    const group = `${dimension}\t${field(value)}`;
    let counts = this.dimensions.get(group);
    if (counts === undefined) {
      counts = new Map();
      this.dimensions.set(group, counts);
    }
    bump(counts, countKey(granularity, bucket, kind, outcome));
  }

  /** The four bucket tables, keys in the column order given. */
  tables(): SharedTable[] {
    const texts = new BucketTexts();
    const counts = new Map<string, number>();
    for (const [key, n] of this.counts) {
      const { granularity, bucket, kind, outcome } = texts.count(key);
      counts.set(`${granularity}\t${bucket}\t${kind}\t${outcome}`, n);
    }
    const dimensions = new Map<string, number>();
    for (const [group, byKey] of this.dimensions) {
      const [dimension, value] = group.split('\t') as [string, string];
      for (const [key, n] of byKey) {
        const { granularity, bucket, kind, outcome } = texts.count(key);
        dimensions.set(`${granularity}\t${dimension}\t${bucket}\t${value}\t${kind}\t${outcome}`, n);
      }
    }
    const latencies = new Map<string, number>();
    for (const [key, n] of this.latencies) {
      const code = key % LATENCY_CODES;
      const bin = code % (LAST_BIN + 1);
      const rest = (code - bin) / (LAST_BIN + 1);
      const metric = METRICS[rest % METRICS.length];
      const kind = KINDS[Math.floor(rest / METRICS.length) % KINDS.length];
      const granularity = GRANULARITIES[Math.floor(rest / (METRICS.length * KINDS.length))];
      latencies.set(`${granularity}\t${texts.bucket((key - code) / LATENCY_CODES)}\t${kind}\t${metric}\t${bin}`, n);
    }
    return [
      counted('stats_counts', ['granularity', 'bucket', 'kind', 'outcome'], ['n'], counts, (n) => [n]),
      counted('stats_dimension_counts', ['granularity', 'dimension', 'bucket', 'value', 'kind', 'outcome'], ['n'], dimensions, (n) => [n]),
      counted('stats_latency', ['granularity', 'bucket', 'kind', 'metric', 'bin'], ['n'], latencies, (n) => [n]),
      counted('stats_window_use', ['endpoint_id', 'minute'], ['bytes', 'sent', 'deferred'], this.windows, (v) => v),
    ];
  }
}

function countKey(granularity: Granularity, bucket: Date, kind: TransmissionKind, outcome: Outcome): number {
  const code = (GRANULARITIES.indexOf(granularity) * KINDS.length + KINDS.indexOf(kind)) * OUTCOMES.length + OUTCOMES.indexOf(outcome);
  return (bucket.getTime() / MINUTE_MS) * COUNT_CODES + code;
}

/** Numeric keys back to their COPY text, each bucket's text made once. */
class BucketTexts {
  private readonly texts = new Map<number, string>();

  bucket(minute: number): string {
    let text = this.texts.get(minute);
    if (text === undefined) {
      text = field(new Date(minute * MINUTE_MS));
      this.texts.set(minute, text);
    }
    return text;
  }

  count(key: number): { granularity: string; bucket: string; kind: string; outcome: string } {
    const code = key % COUNT_CODES;
    return {
      granularity: GRANULARITIES[Math.floor(code / (KINDS.length * OUTCOMES.length))] as string,
      kind: KINDS[Math.floor(code / OUTCOMES.length) % KINDS.length] as string,
      outcome: OUTCOMES[code % OUTCOMES.length] as string,
      bucket: this.bucket((key - code) / COUNT_CODES),
    };
  }
}

function bump<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function counted<V>(table: string, key: readonly string[], values: readonly string[], map: ReadonlyMap<string, V>, numbers: (v: V) => readonly number[]): SharedTable {
  const flat = new Float64Array(map.size * values.length);
  let i = 0;
  for (const value of map.values()) for (const n of numbers(value)) flat[i++] = n;
  return { table, columns: [...key, ...values], keys: [...map.keys()], values: flat, valueCount: values.length, merge: 'sum' };
}
