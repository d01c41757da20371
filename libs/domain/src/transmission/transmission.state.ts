import { assertNever } from '../shared/assert-never.js';
import type { Instant } from '../shared/message.types.js';
import type { TransmissionEvent } from './transmission.events.js';
import type {
  Acknowledgment,
  Channel,
  ErrorDetail,
  NackSource,
  PesOutcome,
  Submission,
  TransmissionStatus,
} from './transmission.values.js';

/** A delivery the State's server took. */
export interface SentAttempt {
  readonly attempt: number;
  readonly fileName: string;
  readonly sha256: string;
}

/** The file every delivery attempt sends. */
export interface PackagedFile {
  readonly fileName: string;
  readonly sha256: string;
  readonly size: number;
}

/** A wait for the endpoint's next transmission window. */
export interface Deferral {
  readonly at: Instant;
  readonly until: Instant;
  readonly reason: string;
}

/** A delivery attempt that did not get through. */
export interface FailedAttempt {
  readonly attempt: number;
  readonly retryable: boolean;
  readonly reason: string;
}

/** The State's final word on delivery. */
export type StateAnswer =
  | { readonly status: 'acknowledged'; readonly acknowledgment: Acknowledgment }
  | { readonly status: 'nacked'; readonly source: NackSource; readonly reasonCode: string; readonly detail: string }
  | { readonly status: 'partially_accepted'; readonly outcomes: readonly PesOutcome[] };

/**
 * A transmission as decisions need it. Besides the status it keeps every fact a command could repeat
 * (the verdict, the route, each attempt, the State's answer), so that a repeat is told from a conflict.
 */
export interface Transmission {
  readonly status: TransmissionStatus;
  readonly id: string;
  readonly siren: string;
  readonly submission: Submission;
  /** Validation's errors once it ran: empty when valid. */
  readonly validationErrors?: readonly ErrorDetail[];
  readonly route?: { readonly endpointId: string; readonly channel: Channel };
  /** The file built for delivery, once recorded: every attempt sends it. */
  readonly package?: PackagedFile;
  readonly sent: readonly SentAttempt[];
  readonly failed: readonly FailedAttempt[];
  /** The latest wait for a transmission window, kept after delivery went on. */
  readonly deferral?: Deferral;
  /** The highest attempt number recorded, sent or failed; 0 before the first. */
  readonly lastAttempt: number;
  /** A retry was asked and nothing was sent since. */
  readonly retryPending: boolean;
  readonly answer?: StateAnswer;
  readonly cancellation?: { readonly requestedBy: string; readonly requestedAt: Instant; readonly idActe: string };
}

/** A transmission's state: nothing before its first event. */
export type TransmissionState = { readonly status: 'none' } | Transmission;

/** The state before any event. */
export function initialState(): TransmissionState {
  return { status: 'none' };
}

/**
 * Folds one event into the state. It never throws: an event that does not fit (one before
 * TransmissionReceived) leaves the state as it was, because a history must stay readable whatever it
 * holds; refusing belongs to `decide`, before anything is recorded.
 */
export function evolve(state: TransmissionState, event: TransmissionEvent): TransmissionState {
  if (event.type === 'TransmissionReceived') {
    if (state.status !== 'none') return state;
    const { transmissionId: id, siren, submission } = event.data;
    return { status: 'received', id, siren, submission, sent: [], failed: [], lastAttempt: 0, retryPending: false };
  }
  if (state.status === 'none') return state;
  return evolveExisting(state, event);
}

function evolveExisting(
  t: Transmission,
  event: Exclude<TransmissionEvent, { type: 'TransmissionReceived' }>,
): Transmission {
  switch (event.type) {
    case 'TransmissionValidated':
      return { ...t, status: 'validated', validationErrors: [] };
    case 'TransmissionRejected':
      return { ...t, status: 'rejected', validationErrors: event.data.errors };
    case 'TransmissionRouted':
      return { ...t, status: 'routed', route: { endpointId: event.data.endpointId, channel: event.data.channel } };
    case 'TransmissionPackaged': {
      const { fileName, sha256, size } = event.data;
      return { ...t, package: { fileName, sha256, size } };
    }
    case 'TransmissionSent': {
      const { attempt, fileName, sha256 } = event.data;
      const sent = [...t.sent, { attempt, fileName, sha256 }];
      return { ...t, status: 'sent', sent, lastAttempt: Math.max(t.lastAttempt, attempt), retryPending: false };
    }
    case 'TransmissionDeliveryDeferred': {
      const { at, until, reason } = event.data;
      return { ...t, deferral: { at, until, reason } };
    }
    case 'TransmissionDeliveryAttemptFailed': {
      const { attempt, retryable, reason } = event.data;
      const failed = [...t.failed, { attempt, retryable, reason }];
      return { ...t, status: 'routed', failed, lastAttempt: Math.max(t.lastAttempt, attempt) };
    }
    case 'TransmissionFailed':
      return { ...t, status: 'failed', retryPending: false };
    case 'TransmissionRetryRequested':
      return { ...t, status: 'routed', retryPending: true };
    case 'TransmissionAcknowledged':
      return {
        ...t,
        status: 'acknowledged',
        answer: { status: 'acknowledged', acknowledgment: event.data.acknowledgment },
      };
    case 'TransmissionNacked': {
      const { source, reasonCode, detail } = event.data;
      return { ...t, status: 'nacked', answer: { status: 'nacked', source, reasonCode, detail } };
    }
    case 'TransmissionPartiallyAccepted':
      return {
        ...t,
        status: 'partially_accepted',
        answer: { status: 'partially_accepted', outcomes: event.data.outcomes },
      };
    case 'TransmissionCancellationRequested': {
      const { requestedBy, at, idActe } = event.data;
      return { ...t, cancellation: { requestedBy, requestedAt: at, idActe } };
    }
    case 'TransmissionCancelled':
      return { ...t, status: 'cancelled' };
    default:
      return assertNever(event);
  }
}
