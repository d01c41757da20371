/**
 * What a step measured, for all its transmissions and for each kind: the submissions' answers, then
 * where the accepted ones ended and how fast. Pure: tallies and snapshots in, figures out.
 */
import type { TransmissionSnapshot } from './api.js';
import { SUBMISSION_KINDS, type SubmissionKind } from './kind.js';
import { summarize, type Summary } from './stats.js';

/**
 * Where delivery ends (API.md "Following"), for an acte and a PES file alike (a PES file never gets
 * `cancelled`, which only ever follows an acte's `acknowledged`).
 */
export const FINAL_STATUSES: ReadonlySet<string> = new Set(['acknowledged', 'partially_accepted', 'nacked', 'rejected', 'failed', 'cancelled']);

/** An accepted transmission and how it was last seen (undefined: never seen in the API). */
export interface Followed {
  readonly id: string;
  readonly kind: SubmissionKind;
  readonly snapshot: TransmissionSnapshot | undefined;
}

/** The submissions of one kind as the step sent them. */
export interface SubmissionTally {
  submitted: number;
  /** Answered 202 with an id. */
  accepted: number;
  /** By `<status> <code>` or `network <reason>`. */
  readonly httpErrors: Record<string, number>;
  /** Time to the answer of each submission that got one, in ms. */
  readonly answerMs: number[];
  /** Body size of each submission: the acte's files, or the PES file. */
  readonly bytes: number[];
}

export function emptyTally(): SubmissionTally {
  return { submitted: 0, accepted: 0, httpErrors: {}, answerMs: [], bytes: [] };
}

export function bump(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}

/** Where the accepted transmissions ended, and how fast the acknowledged ones got there. */
export interface DeliveryFigures {
  readonly finalStatuses: Readonly<Record<string, number>>;
  /** Accepted but not at a final status (when the step stopped following them). */
  readonly notFinal: number;
  readonly notFinalByStatus: Readonly<Record<string, number>>;
  /** Ids of a few of them, to look at. */
  readonly notFinalSample: readonly string[];
  /** `<status> <error code>` of the transmissions that ended otherwise than acknowledged. */
  readonly rejectedReasons: Readonly<Record<string, number>>;
  /** Acknowledged (cancelled ones were acknowledged first). */
  readonly acknowledged: number;
  /** From received to acknowledged (server clock). */
  readonly ackLatencyMs: Summary;
  /** Acknowledgments per second, from the first receipt to the last acknowledgment. */
  readonly ackThroughput: number;
  /** When the last final status was recorded (ms since epoch, server clock); -Infinity for none. */
  readonly lastFinalMs: number;
}

export function deliveryFigures(followed: readonly Followed[]): DeliveryFigures {
  const finalStatuses: Record<string, number> = {};
  const notFinalByStatus: Record<string, number> = {};
  const rejectedReasons: Record<string, number> = {};
  const notFinalSample: string[] = [];
  const latencies: number[] = [];
  let firstCreated = Infinity;
  let lastAck = -Infinity;
  let lastFinalMs = -Infinity;
  for (const { id, snapshot: s } of followed) {
    if (s === undefined || !FINAL_STATUSES.has(s.status)) {
      bump(notFinalByStatus, s?.status ?? 'not visible');
      if (notFinalSample.length < 20) notFinalSample.push(id);
      continue;
    }
    bump(finalStatuses, s.status);
    const created = Date.parse(s.createdAt);
    firstCreated = Math.min(firstCreated, created);
    const ack = s.acknowledgedAt === undefined ? NaN : Date.parse(s.acknowledgedAt);
    lastFinalMs = Math.max(lastFinalMs, Number.isNaN(ack) ? Date.parse(s.updatedAt) : ack);
    if (!Number.isNaN(ack)) {
      latencies.push(ack - created);
      lastAck = Math.max(lastAck, ack);
    }
    if (s.status !== 'acknowledged' && s.status !== 'cancelled') for (const code of s.errorCodes) bump(rejectedReasons, `${s.status} ${code}`);
  }
  const final = Object.values(finalStatuses).reduce((a, b) => a + b, 0);
  return {
    finalStatuses,
    notFinal: followed.length - final,
    notFinalByStatus,
    notFinalSample,
    rejectedReasons,
    acknowledged: (finalStatuses['acknowledged'] ?? 0) + (finalStatuses['cancelled'] ?? 0),
    ackLatencyMs: summarize(latencies),
    ackThroughput: latencies.length > 0 && lastAck > firstCreated ? (latencies.length * 1000) / (lastAck - firstCreated) : 0,
    lastFinalMs,
  };
}

/** One kind's share of a step: what the report prints per kind and the JSON report holds under `byKind`. */
export interface KindFigures {
  readonly submitted: number;
  readonly accepted: number;
  /** Submissions per second over the step's sending window (the step's achieved rate, prorated). */
  readonly achievedRate: number;
  readonly httpErrorCount: number;
  readonly httpErrors: Readonly<Record<string, number>>;
  readonly submitLatencyMs: Summary;
  /** Body sizes in bytes. */
  readonly sizeBytes: Summary;
  readonly finalStatuses: Readonly<Record<string, number>>;
  readonly notFinal: number;
  readonly rejectedReasons: Readonly<Record<string, number>>;
  readonly acknowledged: number;
  readonly ackLatencyMs: Summary;
  readonly ackThroughput: number;
}

export function kindFigures(tally: SubmissionTally, followed: readonly Followed[], stepAchievedRate: number, stepSubmitted: number): KindFigures {
  const delivery = deliveryFigures(followed);
  return {
    submitted: tally.submitted,
    accepted: tally.accepted,
    achievedRate: stepSubmitted > 0 ? (stepAchievedRate * tally.submitted) / stepSubmitted : 0,
    httpErrorCount: Object.values(tally.httpErrors).reduce((a, b) => a + b, 0),
    httpErrors: tally.httpErrors,
    submitLatencyMs: summarize(tally.answerMs),
    sizeBytes: summarize(tally.bytes),
    finalStatuses: delivery.finalStatuses,
    notFinal: delivery.notFinal,
    rejectedReasons: delivery.rejectedReasons,
    acknowledged: delivery.acknowledged,
    ackLatencyMs: delivery.ackLatencyMs,
    ackThroughput: delivery.ackThroughput,
  };
}

/** Every kind's figures, each from its own tally and its own transmissions. */
export function figuresByKind(
  tallies: Readonly<Record<SubmissionKind, SubmissionTally>>,
  followed: readonly Followed[],
  stepAchievedRate: number,
  stepSubmitted: number,
): Record<SubmissionKind, KindFigures> {
  const entries = SUBMISSION_KINDS.map((kind) => [kind, kindFigures(tallies[kind], followed.filter((f) => f.kind === kind), stepAchievedRate, stepSubmitted)] as const);
  return Object.fromEntries(entries) as Record<SubmissionKind, KindFigures>;
}
