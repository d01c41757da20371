import type { Metric, Registry } from 'prom-client';
import type { CumulativeHistogram } from './latency-buckets.js';

/** One series of a histogram family: its labels (without `le`) and its buckets. */
export interface HistogramSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly histogram: CumulativeHistogram;
}

/** A sample as prom-client's registry prints it. */
interface Sample {
  readonly metricName: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/**
 * A histogram family whose buckets arrive already counted at scrape time (from the statistics'
 * stored bins). prom-client 15's Histogram only takes observations one at a time and the library has
 * no custom collectors, so this is a metric of its own with what the registry reads of one (name,
 * help, type, aggregator, `get()`, `reset()`), printed as prom-client prints a histogram:
 * `_bucket{…,le}`, `_sum`, `_count`.
 */
export class PrecountedHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';

  constructor(
    readonly name: string,
    readonly help: string,
    /** The series at scrape time; must not throw (an unavailable source gives none). */
    private readonly read: () => Promise<readonly HistogramSeries[]>,
  ) {}

  /** Registers the family (prom-client's types list only its own classes). */
  registerIn(registry: Registry): void {
    registry.registerMetric(this as unknown as Metric);
  }

  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: Sample[] }> {
    const values = (await this.read()).flatMap(({ labels, histogram }): Sample[] => [
      ...histogram.buckets.map((bucket) => ({
        metricName: `${this.name}_bucket`,
        labels: { ...labels, le: Number.isFinite(bucket.leSeconds) ? String(bucket.leSeconds) : '+Inf' },
        value: bucket.count,
      })),
      { metricName: `${this.name}_sum`, labels, value: histogram.sumSeconds },
      { metricName: `${this.name}_count`, labels, value: histogram.count },
    ]);
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** Nothing is kept between scrapes. */
  reset(): void {
    return undefined;
  }
}
