import type { TransmissionEvent } from '@relais/domain';
import { retryDelayMs, type RetryPolicy } from '@relais/messaging';

/** What became of one POST of the archive to the State's server. */
export type AttemptOutcome =
  /** The server took the archive (2xx); `answer` is what it said about it (`accepted`, `retry`…). */
  | { readonly kind: 'taken'; readonly answer: string }
  /** No answer in time, no connection, or an answer that says "later" (5xx, 408, 429): try again. */
  | { readonly kind: 'unavailable'; readonly reason: string }
  /** The server refused this archive for good (another 4xx): the same bytes would be refused again. */
  | { readonly kind: 'refused'; readonly reason: string };

/** Statuses of a 4xx answer that speak of the moment, not of the archive. */
const TRANSIENT_CLIENT_STATUSES = new Set([408, 425, 429]);

/** Sorts an HTTP answer to a delivery into an {@link AttemptOutcome}; `body` is its (bounded) text. */
export function outcomeOfResponse(status: number, body: string): AttemptOutcome {
  if (status >= 200 && status < 300) return { kind: 'taken', answer: answerOf(body) };
  const reason = `HTTP ${status}${describeBody(body)}`;
  if (status >= 500 || TRANSIENT_CLIENT_STATUSES.has(status)) return { kind: 'unavailable', reason };
  return { kind: 'refused', reason };
}

function answerOf(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && 'outcome' in parsed && typeof parsed.outcome === 'string') {
      return parsed.outcome;
    }
  } catch {
    // A 2xx without the simulator's JSON still means the server took the archive.
  }
  return 'taken';
}

/** `: CODE message` from an `{errors: [{code, message}]}` body, else the start of the text. */
function describeBody(body: string): string {
  try {
    const parsed = JSON.parse(body) as { errors?: { code?: unknown; message?: unknown }[] };
    const first = parsed.errors?.[0];
    if (first !== undefined) return `: ${String(first.code)} ${String(first.message)}`;
  } catch {
    // Not JSON: the raw text says what it says.
  }
  const text = body.trim().replace(/\s+/g, ' ').slice(0, 200);
  return text === '' ? '' : `: ${text}`;
}

/** What the delivery of one message should do after an attempt. */
export type NextStep =
  | { readonly kind: 'record-sent' }
  /** Record the failure, and have the broker bring the message back after `delayMs`. */
  | { readonly kind: 'retry-later'; readonly reason: string; readonly delayMs: number; readonly nextAttemptAt: string }
  /** Record the failure, then give delivery up: the budget is spent. */
  | { readonly kind: 'give-up'; readonly reason: string }
  /** Record a failure that cannot be retried: delivery ends. */
  | { readonly kind: 'fail'; readonly reason: string };

/** Where the delivery of a transmission stands when an attempt ends. */
export interface AttemptContext {
  /** The attempts of this round so far, this one included. */
  readonly attemptsInRound: number;
  /** Attempts allowed per round. */
  readonly maxAttempts: number;
  /** The broker's delivery number of the message being handled (1 first). */
  readonly deliveryCount: number;
  /** The consumer's policy: its delays, and the deliveries the broker allows. */
  readonly retry: RetryPolicy;
  readonly now: Date;
}

/**
 * Decides what follows an attempt. Taken: record it. Refused: fail at once. Unavailable: retry after
 * the consumer's delay for this delivery, unless this was the round's last attempt or the broker's
 * last delivery of the message (a retry would then never come): give up, so an operator sees `failed`.
 */
export function nextStep(outcome: AttemptOutcome, context: AttemptContext): NextStep {
  switch (outcome.kind) {
    case 'taken':
      return { kind: 'record-sent' };
    case 'refused':
      return { kind: 'fail', reason: outcome.reason };
    case 'unavailable': {
      if (context.attemptsInRound >= context.maxAttempts || context.deliveryCount >= context.retry.maxDeliver) {
        return { kind: 'give-up', reason: `${outcome.reason} (attempt ${context.attemptsInRound} of ${context.maxAttempts})` };
      }
      const delayMs = retryDelayMs(context.retry, context.deliveryCount);
      const nextAttemptAt = new Date(context.now.getTime() + delayMs).toISOString();
      return { kind: 'retry-later', reason: outcome.reason, delayMs, nextAttemptAt };
    }
    default: {
      const unknown: never = outcome;
      throw new Error(`Unknown attempt outcome ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * The attempts already made in the current round of delivery: those since the operator's last retry
 * request, or since routing when there was none. Each round gets the whole budget.
 */
export function attemptsSoFar(events: readonly TransmissionEvent[]): number {
  let count = 0;
  for (const event of events) {
    if (event.type === 'TransmissionRetryRequested') count = 0;
    else if (event.type === 'TransmissionDeliveryAttemptFailed' || event.type === 'TransmissionSent') count += 1;
  }
  return count;
}
