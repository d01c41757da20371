import { assertNever } from '../shared/assert-never.js';
import type { Instant } from '../shared/message.types.js';
import type { TransmissionEvent } from './transmission.events.js';
import type {
  Acknowledgment,
  Channel,
  ErrorDetail,
  FileRef,
  LetterCode,
  NackSource,
  PersonalField,
  PesOutcome,
  ReplyCode,
  ReplyReceiptCode,
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

/** A message the préfecture's server took: its archive's name and bytes' hash. */
export interface SentMessage {
  readonly at: Instant;
  readonly fileName: string;
  readonly sha256: string;
}

/** An answer to a letter: asked for (by the collectivité, or automatic), then sent. */
export interface ExchangeReply {
  readonly code: ReplyCode;
  readonly requestedBy: string;
  readonly requestedAt: Instant;
  readonly documents: readonly FileRef[];
  readonly sent?: SentMessage;
}

/** A letter of the préfecture about the acte, and what followed it. */
export interface Exchange {
  /** From 1, in the order the letters were recorded. */
  readonly number: number;
  readonly code: LetterCode;
  readonly messageId: string;
  readonly receivedAt: Instant;
  readonly dateCourrierPref: string;
  readonly text: string;
  readonly documents: readonly FileRef[];
  /** The automatic receipt first (3-2, 4-2), then the collectivité's answer. */
  readonly replies: readonly ExchangeReply[];
  /** The préfecture's 3-5 / 4-5 receipt of the collectivité's answer. */
  readonly replyReceipt?: { readonly code: ReplyReceiptCode; readonly messageId: string; readonly at: Instant; readonly dateReception: string };
}

/** The State's final word on delivery. */
export type StateAnswer =
  | { readonly status: 'acknowledged'; readonly acknowledgment: Acknowledgment }
  | {
      readonly status: 'nacked';
      readonly source: NackSource;
      readonly reasonCode: string;
      readonly detail: string;
      readonly outcomes?: readonly PesOutcome[];
    }
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
  readonly cancellation?: {
    readonly requestedBy: string;
    readonly requestedAt: Instant;
    readonly idActe: string;
    /** The 6-1, once the préfecture's server took it. */
    readonly sent?: SentMessage;
  };
  /** The préfecture's letters about the acknowledged acte, in order. */
  readonly exchanges: readonly Exchange[];
  /** Once its personal data were shredded: when, which fields, why and at whose request. */
  readonly personalDataShredded?: {
    readonly at: Instant;
    readonly fields: readonly PersonalField[];
    readonly reason: string;
    readonly requestedBy: string;
  };
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
    return { status: 'received', id, siren, submission, sent: [], failed: [], lastAttempt: 0, retryPending: false, exchanges: [] };
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
      const { source, reasonCode, detail, outcomes } = event.data;
      const detailed = outcomes === undefined ? {} : { outcomes };
      return { ...t, status: 'nacked', answer: { status: 'nacked', source, reasonCode, detail, ...detailed } };
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
    case 'TransmissionLetterReceived': {
      const { exchange: number, code, messageId, at: receivedAt, dateCourrierPref, text, documents } = event.data;
      const exchange: Exchange = { number, code, messageId, receivedAt, dateCourrierPref, text, documents, replies: [] };
      return { ...t, exchanges: [...t.exchanges, exchange] };
    }
    case 'TransmissionReplyRequested': {
      const { exchange, code, requestedBy, at: requestedAt, documents } = event.data;
      return withExchange(t, exchange, (e) => ({ ...e, replies: [...e.replies, { code, requestedBy, requestedAt, documents }] }));
    }
    case 'TransmissionMessageSent': {
      const { exchange, code, at, fileName, sha256 } = event.data;
      const sent = { at, fileName, sha256 };
      if (code === '6-1') return t.cancellation === undefined ? t : { ...t, cancellation: { ...t.cancellation, sent } };
      if (exchange === undefined) return t;
      return withExchange(t, exchange, (e) => ({
        ...e,
        replies: e.replies.map((reply) => (reply.code === code && reply.sent === undefined ? { ...reply, sent } : reply)),
      }));
    }
    case 'TransmissionReplyAcknowledged': {
      const { exchange, code, messageId, at, dateReception } = event.data;
      return withExchange(t, exchange, (e) => ({ ...e, replyReceipt: { code, messageId, at, dateReception } }));
    }
    case 'PersonalDataShredded': {
      // The sealed values stay in the state as the log holds them: without their key they say nothing.
      const { at, fields, reason, requestedBy } = event.data;
      return t.personalDataShredded === undefined ? { ...t, personalDataShredded: { at, fields, reason, requestedBy } } : t;
    }
    default:
      return assertNever(event);
  }
}

function withExchange(t: Transmission, number: number, change: (exchange: Exchange) => Exchange): Transmission {
  return { ...t, exchanges: t.exchanges.map((exchange) => (exchange.number === number ? change(exchange) : exchange)) };
}
