import type { TransmissionKind } from '@relais/domain';
import { StreamNames } from '@relais/messaging';
import { IN_FLIGHT_STATUSES, OUTCOMES, type LatencyMetric } from '@relais/read-models';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { LAG_EVENTS_CAP, type DatabaseFigures } from './database-figures.js';
import type { JetStreamFigures } from './jetstream-figures.js';
import { cumulativeHistogram } from './latency-buckets.js';
import { PrecountedHistogram, type HistogramSeries } from './precounted-histogram.js';
import { SharedSource } from './shared-source.js';

/** Where the figures come from; each is read once per scrape, when Prometheus asks. */
export interface MetricsSources {
  readonly database: () => Promise<DatabaseFigures>;
  readonly jetstream: () => Promise<JetStreamFigures>;
}

/** Options of {@link createMetricsRegistry}. */
export interface MetricsRegistryOptions {
  /** Prefix of the gateway's process metrics (prom-client's defaults). */
  readonly processPrefix: string;
  /** The longest a scrape waits for one source; past it that source counts as down for the scrape. */
  readonly sourceDeadlineMs: number;
  /** Told when a source stops or starts answering. */
  readonly onSourceChange: (source: string, up: boolean, error?: unknown) => void;
}

const KINDS: readonly TransmissionKind[] = ['acte', 'pes'];
const LATENCY_METRICS: readonly LatencyMetric[] = ['sent', 'acknowledged'];

/**
 * The registry behind `GET /metrics`: the platform's figures read from PostgreSQL (the statistics'
 * tables, the log and its readers' checkpoints) and from JetStream (durable consumers, dead letters)
 * at each scrape, plus the gateway's own process metrics. A source that fails or is slow drops only
 * its own families from that scrape and shows as `relais_metrics_source_up{source} 0`. Every replica
 * of the gateway reports the same platform figures: dashboards take `max` across instances.
 */
export function createMetricsRegistry(sources: MetricsSources, options: MetricsRegistryOptions): Registry {
  const registry = new Registry();
  const database = new SharedSource('postgres', sources.database, options.sourceDeadlineMs, options.onSourceChange);
  const jetstream = new SharedSource('nats', sources.jetstream, options.sourceDeadlineMs, options.onSourceChange);
  const registers = [registry];

  const transmissions: Counter<'kind' | 'outcome'> = new Counter({
    name: 'relais_transmissions_total',
    help: 'Transmissions that reached each outcome, since the platform began (first time each reached it: received, sent, acknowledged, rejected, nacked, partially_accepted, failed, cancelled)',
    labelNames: ['kind', 'outcome'],
    registers,
    async collect() {
      const { figures } = await database.read();
      transmissions.reset();
      if (figures === undefined) return;
      for (const kind of KINDS) for (const outcome of OUTCOMES) transmissions.inc({ kind, outcome }, 0);
      for (const row of figures.outcomes) transmissions.inc({ kind: row.kind, outcome: row.outcome }, row.count);
    },
  });

  new PrecountedHistogram(
    'relais_transmission_latency_seconds',
    'Time from reception to sent (the State took it) and to acknowledged, since the platform began. Buckets are exact; _sum is approximate (each sample counted at the middle of its stored bin, within 19 %)',
    async (): Promise<HistogramSeries[]> => {
      const { figures } = await database.read();
      if (figures === undefined) return [];
      const bins = new Map<string, Map<number, number>>();
      const key = (kind: string, metric: string): string => JSON.stringify([kind, metric]);
      for (const kind of KINDS) for (const metric of LATENCY_METRICS) bins.set(key(kind, metric), new Map());
      for (const row of figures.latencyBins) {
        const series = bins.get(key(row.kind, row.metric)) ?? new Map<number, number>();
        series.set(row.bin, (series.get(row.bin) ?? 0) + row.count);
        bins.set(key(row.kind, row.metric), series);
      }
      return [...bins].map(([labels, counts]) => {
        const [kind, metric] = JSON.parse(labels) as [string, string];
        return { labels: { kind, metric }, histogram: cumulativeHistogram(counts) };
      });
    },
  ).registerIn(registry);

  const inFlight: Gauge<'kind' | 'status'> = new Gauge({
    name: 'relais_in_flight',
    help: 'Transmissions whose delivery has not ended, by current status (received, validated, routed, sent)',
    labelNames: ['kind', 'status'],
    registers,
    async collect() {
      const { figures } = await database.read();
      inFlight.reset();
      if (figures === undefined) return;
      for (const kind of KINDS) for (const status of IN_FLIGHT_STATUSES) inFlight.set({ kind, status }, 0);
      for (const row of figures.inFlight) inFlight.set({ kind: row.kind, status: row.status }, row.count);
    },
  });

  const oldest: Gauge<'kind' | 'status'> = new Gauge({
    name: 'relais_in_flight_oldest_seconds',
    help: 'Since when the oldest transmission in flight in each status was received, in seconds (0 when none)',
    labelNames: ['kind', 'status'],
    registers,
    async collect() {
      const { figures } = await database.read();
      oldest.reset();
      if (figures === undefined) return;
      for (const kind of KINDS) for (const status of IN_FLIGHT_STATUSES) oldest.set({ kind, status }, 0);
      for (const row of figures.inFlight) oldest.set({ kind: row.kind, status: row.status }, row.oldestSeconds);
    },
  });

  const lagEvents: Gauge<'projection'> = new Gauge({
    name: 'relais_projection_lag_events',
    help: `Events in the log not yet read by each reader of it (its checkpoint: projector:*, relay:*), counted up to ${LAG_EVENTS_CAP}`,
    labelNames: ['projection'],
    registers,
    async collect() {
      const { figures } = await database.read();
      lagEvents.reset();
      for (const reader of figures?.readers ?? []) lagEvents.set({ projection: reader.name }, reader.events);
    },
  });

  const lagSeconds: Gauge<'projection'> = new Gauge({
    name: 'relais_projection_lag_seconds',
    help: 'Age of the oldest event each reader of the log has not read yet, in seconds (0 when caught up)',
    labelNames: ['projection'],
    registers,
    async collect() {
      const { figures } = await database.read();
      lagSeconds.reset();
      for (const reader of figures?.readers ?? []) lagSeconds.set({ projection: reader.name }, reader.seconds);
    },
  });

  const consumerGauge = (name: string, help: string, value: (figure: JetStreamFigures['consumers'][number]) => number): void => {
    const gauge: Gauge<'stream' | 'consumer'> = new Gauge({
      name,
      help,
      labelNames: ['stream', 'consumer'],
      registers,
      async collect() {
        const { figures } = await jetstream.read();
        gauge.reset();
        for (const figure of figures?.consumers ?? []) gauge.set({ stream: figure.stream, consumer: figure.consumer }, value(figure));
      },
    });
  };
  consumerGauge('relais_consumer_pending_messages', 'Messages of each durable JetStream consumer’s subjects not yet delivered to it', (f) => f.pending);
  consumerGauge('relais_consumer_ack_pending', 'Messages delivered to each durable JetStream consumer and not yet acknowledged', (f) => f.ackPending);
  consumerGauge('relais_consumer_redelivered', 'Messages delivered more than once to each durable JetStream consumer and not yet acknowledged', (f) => f.redelivered);

  const deadLetters: Gauge<'consumer'> = new Gauge({
    name: 'relais_dead_letters',
    help: 'Messages in the DLQ stream per consumer that gave up on them (0 for a consumer without any)',
    labelNames: ['consumer'],
    registers,
    async collect() {
      const { figures } = await jetstream.read();
      deadLetters.reset();
      if (figures === undefined) return;
      for (const figure of figures.consumers) if (figure.stream === StreamNames.EVENTS) deadLetters.set({ consumer: figure.consumer }, 0);
      for (const [consumer, count] of figures.deadLetters) deadLetters.set({ consumer }, count);
    },
  });

  const sourceUp: Gauge<'source'> = new Gauge({
    name: 'relais_metrics_source_up',
    help: 'Whether this scrape could read each source of the figures (postgres, nats): 1 yes, 0 no (its families are then missing)',
    labelNames: ['source'],
    registers,
    async collect() {
      const readings = await Promise.all([database, jetstream].map(async (source) => ({ source: source.name, reading: await source.read() })));
      sourceUp.reset();
      for (const { source, reading } of readings) sourceUp.set({ source }, reading.figures === undefined ? 0 : 1);
    },
  });

  const sourceSeconds: Gauge<'source'> = new Gauge({
    name: 'relais_metrics_source_read_seconds',
    help: 'How long this scrape took to read each source of the figures, in seconds',
    labelNames: ['source'],
    registers,
    async collect() {
      const readings = await Promise.all([database, jetstream].map(async (source) => ({ source: source.name, reading: await source.read() })));
      sourceSeconds.reset();
      for (const { source, reading } of readings) sourceSeconds.set({ source }, reading.seconds);
    },
  });

  collectDefaultMetrics({ register: registry, prefix: options.processPrefix });
  return registry;
}
