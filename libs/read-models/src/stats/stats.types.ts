import type { TransmissionKind, TransmissionStatus } from '@relais/domain';
import type { Percentiles } from './latency-histogram.js';
import type { Dimension } from './stats-fold.js';
import type { Granularity } from './time-buckets.js';

/** The counts of API.md's summary, by status event name (camelCase), plus `sent`. */
export interface OutcomeCounts {
  readonly received: number;
  readonly sent: number;
  readonly acknowledged: number;
  readonly rejected: number;
  readonly nacked: number;
  readonly partiallyAccepted: number;
  readonly failed: number;
  readonly cancelled: number;
}

/** The figures of one kind, or of all. */
export interface SummaryFigures extends OutcomeCounts {
  /** Not yet at the end of delivery now (received, validated, routed or sent). */
  readonly inFlight: number;
  /** From received to acknowledged. */
  readonly latencyMs: Percentiles;
  /** From received to sent (the State's server took it). */
  readonly latencyToSentMs: Percentiles;
}

/** `GET /api/v1/stats/summary`. */
export interface StatsSummary extends SummaryFigures {
  readonly byKind: { readonly acte: SummaryFigures; readonly pes: SummaryFigures };
  /** The range asked, absent for all time. */
  readonly from?: string;
  readonly to?: string;
  /** When the statistics last moved (the recording time of the last event they include). */
  readonly asOf: string | null;
}

/** Filters of the statistics calls. `from`/`to` are a half-open range [from, to). */
export interface StatsFilter {
  readonly from?: Date;
  readonly to?: Date;
  readonly kind?: TransmissionKind;
  readonly departement?: string;
  readonly siren?: string;
}

/** One bucket of `GET /api/v1/stats/series`. */
export interface SeriesPoint extends OutcomeCounts {
  /** The bucket's start. */
  readonly at: string;
  readonly latencyMs: Percentiles;
  readonly latencyToSentMs: Percentiles;
}

/** `GET /api/v1/stats/series`. */
export interface StatsSeries {
  readonly bucket: Granularity;
  readonly from: string;
  readonly to: string;
  /** Every bucket of the range, oldest first, zeros included. */
  readonly points: readonly SeriesPoint[];
}

/** `GET /api/v1/stats/breakdown?by=`: one item per département, nature or collectivité. */
export interface BreakdownItem extends OutcomeCounts {
  readonly value: string;
  /** The collectivité's name for `by=siren`; the département code otherwise. */
  readonly label: string;
  /** For `by=siren` and `by=departement`: how many are in flight now. */
  readonly inFlight?: number;
}

export interface StatsBreakdown {
  readonly by: Dimension;
  readonly from?: string;
  readonly to?: string;
  /** Most received first. */
  readonly items: readonly BreakdownItem[];
}

/** A transmission waiting, or failed, as the backlog lists it. */
export interface BacklogItem {
  readonly id: string;
  readonly kind: TransmissionKind;
  readonly siren: string;
  readonly nom: string | null;
  readonly departement: string;
  /** Numéro interne or PES file name. */
  readonly label: string;
  readonly status: TransmissionStatus;
  readonly receivedAt: string;
  readonly statusAt: string;
  /** Since reception, now. */
  readonly ageMs: number;
}

/** `GET /api/v1/stats/backlog`. */
export interface StatsBacklog {
  readonly now: string;
  readonly inFlight: {
    readonly total: number;
    readonly byStatus: Readonly<Record<'received' | 'validated' | 'routed' | 'sent', { readonly count: number; readonly oldestAt: string | null }>>;
  };
  readonly failed: { readonly count: number; readonly oldestAt: string | null };
  /** The oldest in flight, oldest first. */
  readonly oldest: readonly BacklogItem[];
  /** Failed transmissions (an operator may retry them), oldest first. */
  readonly failedItems: readonly BacklogItem[];
}

export interface ReasonCount {
  readonly code: string;
  readonly count: number;
}

/** `GET /api/v1/stats/reasons`: the most frequent codes first. */
export interface StatsReasons {
  readonly from?: string;
  readonly to?: string;
  readonly rejected: readonly ReasonCount[];
  readonly nacked: readonly ReasonCount[];
  readonly partiallyAccepted: readonly ReasonCount[];
  readonly failed: readonly ReasonCount[];
}

/** One window of an endpoint. */
export interface WindowFigures {
  readonly start: string;
  readonly bytes: number;
  readonly sent: number;
  readonly deferred: number;
  /** bytes / the window's cap; null when the endpoint has no cap. */
  readonly used: number | null;
}

/** `GET /api/v1/stats/windows`: each endpoint of the routing table, its recent windows oldest first. */
export interface StatsWindows {
  readonly endpoints: readonly {
    readonly endpointId: string;
    readonly label: string;
    readonly window: { readonly bytes: number; readonly seconds: number } | null;
    readonly windows: readonly WindowFigures[];
  }[];
}
