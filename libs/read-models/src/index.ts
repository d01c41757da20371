/**
 * The read models built from the event log, shared by their writer (the projector) and their readers
 * (the gateway): the shape of each view as API.md gives it, the pure function that folds events into
 * it, the tables' schema (`migrateReadModels`), and the queries readers run.
 */
export {
  DELIVERY_FAILED,
  evolveTransmissionView,
  hasSealedFields,
  revealView,
  type AcknowledgmentView,
  type ExchangeView,
  type EventMeta,
  type TransmissionView,
} from './transmissions/transmission-view.js';
export {
  getTransmission,
  listRetentionCandidates,
  listTransmissions,
  MAX_PAGE_SIZE,
  TransmissionQueryError,
  type ListTransmissionsQuery,
  type TransmissionPage,
} from './transmissions/transmission.queries.js';
export { migrateReadModels } from './migrations/migrate-read-models.js';
export {
  addToHistogram,
  BINS_PER_DOUBLING,
  binBounds,
  binValue,
  LAST_BIN,
  latencyBin,
  percentilesOf,
  type Histogram,
  type Percentiles,
} from './stats/latency-histogram.js';
export { bucketCount, bucketStart, GRANULARITIES, nextBucketStart, planRange, type BucketSegment, type Granularity, type RangePlan, type TimeRange } from './stats/time-buckets.js';
export {
  aggregateStats,
  DIMENSIONS,
  failureCode,
  foldStats,
  IN_FLIGHT_STATUSES,
  OUTCOMES,
  PES_NATURE,
  statusAfter,
  type CountDelta,
  type Dimension,
  type DimensionCountDelta,
  type LatencyDelta,
  type LatencyMetric,
  type Outcome,
  type StatsChanges,
  type StatsCollectivite,
  type StatsDeltas,
  type StatsInput,
  type StatsTransmission,
  type Transition,
  type WindowDelta,
  type WindowUse,
} from './stats/stats-fold.js';
export type * from './stats/stats.types.js';
export {
  latencyBinSql,
  MAX_SERIES_POINTS,
  STATS_CHANNEL,
  STATS_CHECKPOINT_NAME,
  statsAsOf,
  statsBacklog,
  statsBreakdown,
  statsReasons,
  statsSeries,
  statsSummary,
  statsWindows,
  type WindowedEndpoint,
} from './stats/stats.queries.js';
export { projectTransmissionEvents, TRANSMISSIONS_CHECKPOINT } from './projections/transmissions.projection.js';
export { decodeStatsInputs, projectStatsEvents } from './projections/stats.projection.js';
export { PROJECTIONS, type Projection } from './projections/projections.js';
export { defaultReplayWorkers, replayProjections, type ProjectionReplay, type ReplayOptions, type ReplayProgress } from './projections/replay.js';
