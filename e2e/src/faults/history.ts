/*
 * The ledger's reading of one transmission's history, as the log holds it: pure, so that its rules are
 * tested on their own (history.unit.spec.ts) and a failure names the transmission and what is wrong.
 */

/** One event of a transmission's stream, as read from `events`. */
export interface HistoryEvent {
  /** The domain type, without its prefix and version (`TransmissionSent`). */
  readonly type: string;
  readonly version: number;
  readonly position: bigint;
  readonly recordedAt: Date;
  readonly eventId: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/** The statuses at which delivery ends (API.md). */
export const FINAL_STATUSES: ReadonlySet<string> = new Set(['acknowledged', 'rejected', 'nacked', 'partially_accepted', 'failed']);

/** The State's answers: a transmission gets one at most. */
const ANSWERS = new Set(['TransmissionAcknowledged', 'TransmissionNacked', 'TransmissionPartiallyAccepted']);

/** The status each event leaves the transmission in; the others leave it as it was. */
const STATUS_AFTER: Readonly<Record<string, string>> = {
  TransmissionReceived: 'received',
  TransmissionValidated: 'validated',
  TransmissionRejected: 'rejected',
  TransmissionRouted: 'routed',
  TransmissionSent: 'sent',
  TransmissionDeliveryAttemptFailed: 'routed',
  TransmissionFailed: 'failed',
  TransmissionRetryRequested: 'routed',
  TransmissionAcknowledged: 'acknowledged',
  TransmissionNacked: 'nacked',
  TransmissionPartiallyAccepted: 'partially_accepted',
  TransmissionCancelled: 'cancelled',
};

/** The status the history leads to. */
export function statusOf(history: readonly HistoryEvent[]): string {
  let status = 'none';
  for (const event of history) status = STATUS_AFTER[event.type] ?? status;
  return status;
}

/**
 * The events a collectivité's webhooks are told about: each one that changes the status, and each
 * answer of the State (notified even when the status stays).
 */
export function notifiedEvents(history: readonly HistoryEvent[]): HistoryEvent[] {
  const notified: HistoryEvent[] = [];
  let status = 'none';
  for (const event of history) {
    const next = STATUS_AFTER[event.type] ?? status;
    if (next !== status || ANSWERS.has(event.type)) notified.push(event);
    status = next;
  }
  return notified;
}

/**
 * Why the history is not complete and in order, or [] when it is: versions 1..n without a gap in the
 * log's order; received first, then validated or rejected; routed once after validation; the archive
 * or file packaged once, before any send, and every send carrying those bytes under that name; at most
 * one answer of the State, after a send; a `failed` followed by nothing but an operator's retry; and
 * the status the history leads to equal to `status`, the one the API shows.
 */
export function historyProblems(history: readonly HistoryEvent[], status: string): string[] {
  const problems: string[] = [];
  const types = history.map((e) => e.type);
  history.forEach((event, i) => {
    if (event.version !== i + 1) problems.push(`version ${event.version.toString()} at place ${(i + 1).toString()} (a gap or a repeat)`);
    const previous = history[i - 1];
    if (previous !== undefined && event.position <= previous.position) problems.push(`${event.type} (v${event.version.toString()}) is before its predecessor in the log`);
  });
  if (types[0] !== 'TransmissionReceived') problems.push(`starts with ${types[0] ?? 'nothing'}, not TransmissionReceived`);
  const count = (type: string): number => types.filter((t) => t === type).length;
  for (const once of ['TransmissionReceived', 'TransmissionValidated', 'TransmissionRejected', 'TransmissionRouted', 'TransmissionPackaged']) {
    if (count(once) > 1) problems.push(`${once} ${count(once).toString()} times`);
  }
  const second = types[1];
  if (second !== undefined && second !== 'TransmissionValidated' && second !== 'TransmissionRejected') {
    problems.push(`${second} right after TransmissionReceived, before validation`);
  }
  const rejected = types.indexOf('TransmissionRejected');
  if (rejected >= 0 && rejected < types.length - 1) problems.push(`${types[rejected + 1] ?? ''} after TransmissionRejected`);
  const routed = types.indexOf('TransmissionRouted');
  if (routed >= 0 && routed < types.indexOf('TransmissionValidated')) problems.push('TransmissionRouted before TransmissionValidated');
  const packagedAt = types.indexOf('TransmissionPackaged');
  const packaged = history[packagedAt]?.data;
  history.forEach((event, i) => {
    if (event.type === 'TransmissionSent') {
      if (packaged === undefined || i < packagedAt) problems.push(`TransmissionSent (v${event.version.toString()}) before any TransmissionPackaged`);
      else if (event.data['fileName'] !== packaged['fileName'] || event.data['sha256'] !== packaged['sha256']) {
        problems.push(`TransmissionSent (v${event.version.toString()}) of ${String(event.data['fileName'])} ${String(event.data['sha256'])}, not the packaged ${String(packaged['fileName'])} ${String(packaged['sha256'])}`);
      }
    }
    if (event.type === 'TransmissionFailed') {
      const next = types[i + 1];
      if (next !== undefined && next !== 'TransmissionRetryRequested') problems.push(`${next} after TransmissionFailed without a retry`);
    }
  });
  if ((packagedAt >= 0 || types.includes('TransmissionSent')) && (routed < 0 || packagedAt < routed)) problems.push('packaged or sent before being routed');
  const answers = history.filter((e) => ANSWERS.has(e.type));
  if (answers.length > 1) problems.push(`${answers.length.toString()} answers of the State: ${answers.map((e) => e.type).join(', ')}`);
  const answerAt = types.findIndex((t) => ANSWERS.has(t));
  if (answerAt >= 0 && !types.slice(0, answerAt).includes('TransmissionSent')) problems.push(`${types[answerAt] ?? ''} without a TransmissionSent before it`);
  const folded = statusOf(history);
  if (folded !== status) problems.push(`the API shows ${status} but the history leads to ${folded}`);
  return problems;
}

/**
 * Whether a transmission not at a final status is visibly in flight, with a reason: its last event
 * says why it is waiting (a delivery attempt that failed with its reason and will be tried again, or a
 * delivery deferred to a transmission window) and is recent, younger than `staleAfterMs`. A
 * transmission sitting at received, validated, routed or sent without such an event is stuck: the
 * reason, or undefined when it is not stuck.
 */
export function stuckReason(history: readonly HistoryEvent[], now: number, staleAfterMs: number): string | undefined {
  const last = history[history.length - 1];
  if (last === undefined) return 'no event at all';
  const age = now - last.recordedAt.getTime();
  const status = statusOf(history);
  if (last.type === 'TransmissionDeliveryAttemptFailed' || last.type === 'TransmissionDeliveryDeferred') {
    const reason = typeof last.data['reason'] === 'string' ? last.data['reason'] : '';
    if (reason === '') return `${status} after ${last.type} without a reason`;
    if (age > staleAfterMs) return `${status} since ${last.type} (${reason}) ${Math.round(age / 1000).toString()} s ago, nothing since`;
    return undefined;
  }
  return `${status} since ${last.type} ${Math.round(age / 1000).toString()} s ago, with no reason to wait`;
}
