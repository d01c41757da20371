import { failureCodeOf, type TransmissionEvent, type TransmissionKind, type TransmissionStatus } from '@relais/domain';
import { latencyBin } from './latency-histogram.js';
import { bucketStart, type Granularity } from './time-buckets.js';

/**
 * The supervisors' statistics as a pure fold of the log. Each transmission keeps a small row (its
 * dimensions, status, and which outcomes it already reached, up to which log position); each event
 * newer than that position may add one transition (the first time a transmission reaches an
 * outcome), which the aggregation turns into bucket increments. A redelivered or replayed event is at
 * or below its row's position and changes nothing, so no count is ever made twice.
 */

/** The outcomes counted: each is the first event of its name recorded for a transmission. */
export const OUTCOMES = ['received', 'sent', 'acknowledged', 'rejected', 'nacked', 'partially_accepted', 'failed', 'cancelled'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Statuses where delivery has not ended: what "in flight" counts. */
export const IN_FLIGHT_STATUSES: readonly TransmissionStatus[] = ['received', 'validated', 'routed', 'sent'];

/** The nature dimension of a PES file (actes use their nature code, DE, AR, …). */
export const PES_NATURE = 'PES';

/** What the statistics keep of one transmission. */
export interface StatsTransmission {
  readonly id: string;
  readonly kind: TransmissionKind;
  readonly siren: string;
  /** The collectivité's département at reception ('' when the log holds no registration for it). */
  readonly departement: string;
  readonly nature: string;
  /** Numéro interne or PES file name: what a supervisor recognises. */
  readonly label: string;
  readonly status: TransmissionStatus;
  readonly receivedAt: string;
  /** When it reached its current status. */
  readonly statusAt: string;
  readonly endpointId: string | null;
  readonly size: number | null;
  readonly reached: readonly Outcome[];
  /** The global position of the last event folded in (a decimal string). */
  readonly lastPosition: string;
}

/** A collectivité as the statistics name it. */
export interface StatsCollectivite {
  readonly departement: string;
  readonly nom: string;
}

/** The first time a transmission reached an outcome. */
export interface Transition {
  readonly transmissionId: string;
  readonly outcome: Outcome;
  readonly at: Date;
  readonly kind: TransmissionKind;
  readonly siren: string;
  readonly departement: string;
  readonly nature: string;
  /** From reception, for `sent` and `acknowledged`. */
  readonly latencyMs: number | null;
  /** Stable codes of why, for rejections, refusals and failures. */
  readonly reasons: readonly string[];
}

/** Bytes taken by, or a wait for, an endpoint's transmission window. */
export interface WindowUse {
  readonly endpointId: string;
  /** The instant the bytes count in the window (the attempt's start), or the wait was decided. */
  readonly at: Date;
  readonly bytes: number;
  readonly sent: number;
  readonly deferred: number;
}

/** An event of the log, decoded, with where and when it was recorded. */
export type StatsInput =
  | { readonly kind: 'transmission'; readonly event: TransmissionEvent; readonly position: bigint; readonly recordedAt: Date }
  | {
      readonly kind: 'collectivite';
      readonly siren: string;
      readonly departement: string;
      readonly nom: string;
      readonly position: bigint;
      readonly recordedAt: Date;
    };

/** What a batch changed. */
export interface StatsChanges {
  readonly transmissions: ReadonlyMap<string, StatsTransmission>;
  readonly collectivites: ReadonlyMap<string, StatsCollectivite>;
  readonly transitions: readonly Transition[];
  readonly windowUses: readonly WindowUse[];
}

/**
 * Folds a batch of events over the rows already stored (`known`, by id; `collectivites`, by SIREN).
 * Pure: returns the rows to write and the transitions and window uses to add.
 */
export function foldStats(
  known: ReadonlyMap<string, StatsTransmission>,
  collectivites: ReadonlyMap<string, StatsCollectivite>,
  inputs: readonly StatsInput[],
): StatsChanges {
  const rows = new Map(known);
  const changedRows = new Map<string, StatsTransmission>();
  const places = new Map(collectivites);
  const changedPlaces = new Map<string, StatsCollectivite>();
  const transitions: Transition[] = [];
  const windowUses: WindowUse[] = [];
  for (const input of inputs) {
    if (input.kind === 'collectivite') {
      const place = { departement: input.departement, nom: input.nom };
      places.set(input.siren, place);
      changedPlaces.set(input.siren, place);
      continue;
    }
    const { event, position, recordedAt } = input;
    const id = event.data.transmissionId;
    const row = rows.get(id);
    if (row !== undefined && BigInt(row.lastPosition) >= position) continue; // seen already
    const step = evolve(row, event, position, recordedAt, places);
    if (step === undefined) continue;
    rows.set(id, step.row);
    changedRows.set(id, step.row);
    if (step.transition !== undefined) transitions.push(step.transition);
    if (step.windowUse !== undefined) windowUses.push(step.windowUse);
  }
  return { transmissions: changedRows, collectivites: changedPlaces, transitions, windowUses };
}

interface Step {
  readonly row: StatsTransmission;
  readonly transition?: Transition;
  readonly windowUse?: WindowUse;
}

function evolve(
  row: StatsTransmission | undefined,
  event: TransmissionEvent,
  position: bigint,
  recordedAt: Date,
  places: ReadonlyMap<string, StatsCollectivite>,
): Step | undefined {
  const at = recordedAt.toISOString();
  if (event.type === 'TransmissionReceived') {
    if (row !== undefined) return { row: { ...row, lastPosition: position.toString() } };
    const { transmissionId: id, siren, submission } = event.data;
    const created: StatsTransmission = {
      id,
      kind: submission.kind,
      siren,
      departement: places.get(siren)?.departement ?? '',
      nature: submission.kind === 'acte' ? submission.nature : PES_NATURE,
      label: submission.kind === 'acte' ? submission.numeroInterne : submission.nomFic,
      status: 'received',
      receivedAt: at,
      statusAt: at,
      endpointId: null,
      size: null,
      reached: [],
      lastPosition: position.toString(),
    };
    return reach(created, 'received', recordedAt, []);
  }
  if (row === undefined) return undefined;
  const status = statusAfter(row.status, event);
  const moved: StatsTransmission = {
    ...row,
    status,
    statusAt: status === row.status ? row.statusAt : at,
    lastPosition: position.toString(),
    ...(event.type === 'TransmissionRouted' && { endpointId: event.data.endpointId }),
    ...(event.type === 'TransmissionPackaged' && { size: event.data.size }),
  };
  switch (event.type) {
    case 'TransmissionSent': {
      const step = reach(moved, 'sent', recordedAt, []);
      if (moved.endpointId === null) return step;
      const windowUse = { endpointId: moved.endpointId, at: new Date(event.data.at), bytes: moved.size ?? 0, sent: 1, deferred: 0 };
      return { ...step, windowUse };
    }
    case 'TransmissionDeliveryDeferred':
      if (moved.endpointId === null) return { row: moved };
      return { row: moved, windowUse: { endpointId: moved.endpointId, at: recordedAt, bytes: 0, sent: 0, deferred: 1 } };
    case 'TransmissionAcknowledged':
      return reach(moved, 'acknowledged', recordedAt, []);
    case 'TransmissionRejected':
      return reach(moved, 'rejected', recordedAt, event.data.errors.map((e) => e.code));
    case 'TransmissionNacked':
      return reach(moved, 'nacked', recordedAt, [`${event.data.source.toUpperCase()}.${event.data.reasonCode}`]);
    case 'TransmissionPartiallyAccepted': {
      const codes = event.data.outcomes.filter((o) => !o.accepted).flatMap((o) => o.errors.map((e) => e.code));
      return reach(moved, 'partially_accepted', recordedAt, codes.length === 0 ? ['PES.ELEMENT_REFUSED'] : codes);
    }
    case 'TransmissionFailed':
      return reach(moved, 'failed', recordedAt, [event.data.code]);
    case 'TransmissionCancelled':
      return reach(moved, 'cancelled', recordedAt, []);
    case 'TransmissionValidated':
    case 'TransmissionRouted':
    case 'TransmissionPackaged':
    case 'TransmissionDeliveryAttemptFailed':
    case 'TransmissionRetryRequested':
    case 'TransmissionCancellationRequested':
    case 'TransmissionLetterReceived':
    case 'TransmissionReplyRequested':
    case 'TransmissionMessageSent':
    case 'TransmissionReplyAcknowledged':
    case 'PersonalDataShredded':
      return { row: moved };
  }
}

/** The row having reached `outcome`, with its transition the first time only. */
function reach(row: StatsTransmission, outcome: Outcome, at: Date, reasons: readonly string[]): Step {
  if (row.reached.includes(outcome)) return { row };
  const measured = outcome === 'sent' || outcome === 'acknowledged';
  return {
    row: { ...row, reached: [...row.reached, outcome] },
    transition: {
      transmissionId: row.id,
      outcome,
      at,
      kind: row.kind,
      siren: row.siren,
      departement: row.departement,
      nature: row.nature,
      latencyMs: measured ? Math.max(0, at.getTime() - Date.parse(row.receivedAt)) : null,
      reasons: [...new Set(reasons)],
    },
  };
}

/** The status a transmission stands at after `event`, as its public view shows it. */
export function statusAfter(status: TransmissionStatus, event: TransmissionEvent): TransmissionStatus {
  switch (event.type) {
    case 'TransmissionReceived':
      return status;
    case 'TransmissionValidated':
      return 'validated';
    case 'TransmissionRejected':
      return 'rejected';
    case 'TransmissionRouted':
    case 'TransmissionDeliveryAttemptFailed':
    case 'TransmissionRetryRequested':
      return 'routed';
    case 'TransmissionSent':
      return 'sent';
    case 'TransmissionFailed':
      return 'failed';
    case 'TransmissionAcknowledged':
      return 'acknowledged';
    case 'TransmissionNacked':
      return 'nacked';
    case 'TransmissionPartiallyAccepted':
      return 'partially_accepted';
    case 'TransmissionCancelled':
      return 'cancelled';
    // Waits, requests and the letters after the AR leave the status as it is.
    case 'TransmissionPackaged':
    case 'TransmissionDeliveryDeferred':
    case 'TransmissionCancellationRequested':
    case 'TransmissionLetterReceived':
    case 'TransmissionReplyRequested':
    case 'TransmissionMessageSent':
    case 'TransmissionReplyAcknowledged':
    case 'PersonalDataShredded':
      return status;
  }
}

/** The stable code at the head of a delivery failure's reason (`CHANNEL.SERVER_PIN_MISMATCH: …`), else DELIVERY.FAILED. */
export const failureCode: (reason: string) => string = failureCodeOf;

/** One bucket increment. */
export interface CountDelta {
  readonly granularity: Granularity;
  readonly bucket: Date;
  readonly kind: TransmissionKind;
  readonly outcome: Outcome;
  readonly n: number;
}

/** The dimensions supervisors break counts down by. */
export const DIMENSIONS = ['departement', 'nature', 'siren'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export interface DimensionCountDelta extends CountDelta {
  readonly dimension: Dimension;
  readonly value: string;
}

export type LatencyMetric = 'sent' | 'acknowledged';

export interface LatencyDelta {
  readonly granularity: Granularity;
  readonly bucket: Date;
  readonly kind: TransmissionKind;
  readonly metric: LatencyMetric;
  readonly bin: number;
  readonly n: number;
}

export interface WindowDelta {
  readonly endpointId: string;
  readonly minute: Date;
  readonly bytes: number;
  readonly sent: number;
  readonly deferred: number;
}

/** Every increment of a batch, one per key: what a batch writes in one statement per table. */
export interface StatsDeltas {
  readonly counts: readonly CountDelta[];
  readonly dimensionCounts: readonly DimensionCountDelta[];
  readonly latency: readonly LatencyDelta[];
  readonly windows: readonly WindowDelta[];
}

/**
 * Counts and latency per minute, hour, day and month; per dimension per day and month (a year by
 * collectivité is then twelve months of rows, and the ragged ends are read raw).
 */
const COUNT_GRANULARITIES: readonly Granularity[] = ['minute', 'hour', 'day', 'month'];
const DIMENSION_GRANULARITIES: readonly Granularity[] = ['day', 'month'];

/** Receives the bucket increments of a transition, one call per key it adds 1 to. */
export interface IncrementVisitor {
  count(granularity: Granularity, bucket: Date, kind: TransmissionKind, outcome: Outcome): void;
  latency(granularity: Granularity, bucket: Date, kind: TransmissionKind, metric: LatencyMetric, bin: number): void;
  dimension(granularity: Granularity, bucket: Date, kind: TransmissionKind, outcome: Outcome, dimension: Dimension, value: string): void;
}

/** Every bucket a transition counts in: the one definition `aggregateStats` and a replay's accumulator share. */
export function visitIncrements(t: Transition, visit: IncrementVisitor): void {
  for (const granularity of COUNT_GRANULARITIES) {
    const bucket = bucketStart(granularity, t.at);
    visit.count(granularity, bucket, t.kind, t.outcome);
    if (t.latencyMs !== null) visit.latency(granularity, bucket, t.kind, t.outcome === 'sent' ? 'sent' : 'acknowledged', latencyBin(t.latencyMs));
  }
  for (const granularity of DIMENSION_GRANULARITIES) {
    const bucket = bucketStart(granularity, t.at);
    for (const dimension of DIMENSIONS) visit.dimension(granularity, bucket, t.kind, t.outcome, dimension, t[dimension]);
  }
}

/** The minute a window use counts in. */
export function windowMinute(use: WindowUse): Date {
  return bucketStart('minute', use.at);
}

/** Adds a batch's transitions and window uses up into one increment per key. Pure. */
export function aggregateStats(transitions: readonly Transition[], windowUses: readonly WindowUse[]): StatsDeltas {
  const counts = new Map<string, CountDelta>();
  const dimensionCounts = new Map<string, DimensionCountDelta>();
  const latency = new Map<string, LatencyDelta>();
  const windows = new Map<string, WindowDelta>();
  // One object per key, counted up in place.
  const bump = <T extends { readonly n: number }>(map: Map<string, T>, key: string, fresh: () => T): void => {
    const current = map.get(key) as { n: number } | undefined;
    if (current === undefined) map.set(key, fresh());
    else current.n += 1;
  };
  const visitor: IncrementVisitor = {
    count(granularity, bucket, kind, outcome) {
      bump(counts, `${granularity}|${bucket.getTime()}|${kind}|${outcome}`, () => ({ granularity, bucket, kind, outcome, n: 1 }));
    },
    latency(granularity, bucket, kind, metric, bin) {
      bump(latency, `${granularity}|${bucket.getTime()}|${kind}|${metric}|${bin}`, () => ({ granularity, bucket, kind, metric, bin, n: 1 }));
    },
    dimension(granularity, bucket, kind, outcome, dimension, value) {
      const key = `${granularity}|${bucket.getTime()}|${kind}|${outcome}|${dimension}|${value}`;
      bump(dimensionCounts, key, () => ({ granularity, bucket, kind, outcome, dimension, value, n: 1 }));
    },
  };
  for (const t of transitions) visitIncrements(t, visitor);
  for (const use of windowUses) {
    const minute = windowMinute(use);
    const key = `${use.endpointId}|${minute.getTime()}`;
    const current = windows.get(key);
    windows.set(
      key,
      current === undefined
        ? { endpointId: use.endpointId, minute, bytes: use.bytes, sent: use.sent, deferred: use.deferred }
        : { ...current, bytes: current.bytes + use.bytes, sent: current.sent + use.sent, deferred: current.deferred + use.deferred },
    );
  }
  return {
    counts: [...counts.values()],
    dimensionCounts: [...dimensionCounts.values()],
    latency: [...latency.values()],
    windows: [...windows.values()],
  };
}
