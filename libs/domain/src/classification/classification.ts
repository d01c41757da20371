import { assertNever } from '../shared/assert-never.js';
import { DomainError } from '../shared/domain-error.js';
import type { Command, Event, Instant } from '../shared/message.types.js';

/*
 * A collectivité's @ctes classification (DOMAIN.md §1.3, transaction 7): the collectivité asks with a
 * 7-1 DemandeClassification, the préfecture answers with a 7-2 RetourClassification (a new one, which
 * replaces the held one) or a 7-3 ReponseClassificationSansChangement (the held one is current). Until
 * the first 7-2 the platform's default classification applies. The facts live in the collectivité's
 * stream, beside its registration.
 */

interface Fact {
  readonly siren: string;
  readonly at: Instant;
}

/** A 7-1 is to be sent; `dateClassificationHeld` is empty while the platform's default applies. */
export type ClassificationRequested = Event<
  'ClassificationRequested',
  Fact & { requestId: string; requestedBy: string; dateClassificationHeld: string }
>;
/** The préfecture's server took the 7-1. */
export type ClassificationRequestSent = Event<
  'ClassificationRequestSent',
  Fact & { requestId: string; fileName: string; sha256: string }
>;
/** A 7-2 arrived: from now on this is the collectivité's classification (its bytes in the blob store). */
export type ClassificationReceived = Event<
  'ClassificationReceived',
  Fact & { dateClassification: string; sha256: string; size: number; messageId: string; requestId?: string }
>;
/** A 7-3 arrived: the classification held is current. */
export type ClassificationUnchanged = Event<
  'ClassificationUnchanged',
  Fact & { dateClassification: string; messageId: string; requestId?: string }
>;

export type ClassificationEvent =
  | ClassificationRequested
  | ClassificationRequestSent
  | ClassificationReceived
  | ClassificationUnchanged;

/** Ask the préfecture for the classification. */
export type RequestClassification = Command<'RequestClassification', Fact & { requestId: string; requestedBy: string }>;
/** Record that the 7-1 of `requestId` was taken by the préfecture's server. */
export type RecordClassificationRequestSent = Command<
  'RecordClassificationRequestSent',
  Fact & { requestId: string; fileName: string; sha256: string }
>;
/** Record a 7-2 read from the mailbox. */
export type RecordClassification = Command<
  'RecordClassification',
  Fact & { dateClassification: string; sha256: string; size: number; messageId: string }
>;
/** Record a 7-3 read from the mailbox. */
export type RecordClassificationUnchanged = Command<
  'RecordClassificationUnchanged',
  Fact & { dateClassification: string; messageId: string }
>;

export type ClassificationCommand =
  | RequestClassification
  | RecordClassificationRequestSent
  | RecordClassification
  | RecordClassificationUnchanged;

/** A 7-1 and what became of it. */
export interface ClassificationRequest {
  readonly id: string;
  readonly requestedBy: string;
  readonly requestedAt: Instant;
  readonly dateClassificationHeld: string;
  readonly sent?: { readonly at: Instant; readonly fileName: string; readonly sha256: string };
  readonly answer?: { readonly code: '7-2' | '7-3'; readonly at: Instant; readonly messageId: string; readonly dateClassification: string };
}

/** The classification the préfecture sent last (7-2). */
export interface ReceivedClassification {
  readonly dateClassification: string;
  readonly sha256: string;
  readonly size: number;
  readonly receivedAt: Instant;
  readonly messageId: string;
}

export interface ClassificationState {
  /** Undefined until the first 7-2: the platform's default applies. */
  readonly current?: ReceivedClassification;
  /** When the préfecture last confirmed the classification held (7-3). */
  readonly confirmedAt?: Instant;
  readonly requests: readonly ClassificationRequest[];
  /** Every préfecture message recorded, so that one read twice is recorded once. */
  readonly messageIds: readonly string[];
}

export const ClassificationErrorCode = {
  /** No 7-1 of this id was asked. */
  UnknownRequest: 'CLASSIFICATION.UNKNOWN_REQUEST',
  /** The command contradicts a fact already recorded. */
  ConflictingFact: 'CLASSIFICATION.CONFLICTING_FACT',
  /** A stored event could not be decoded. */
  UndecodableEvent: 'CLASSIFICATION.UNDECODABLE_EVENT',
} as const;
export type ClassificationErrorCode = (typeof ClassificationErrorCode)[keyof typeof ClassificationErrorCode];
export class ClassificationError extends DomainError<ClassificationErrorCode> {}

export function initialClassificationState(): ClassificationState {
  return { requests: [], messageIds: [] };
}

/**
 * How long an open request stands in the way of a new one: a préfecture answers a 7-1 within hours;
 * one left unanswered a day must not keep the collectivité from asking again.
 */
export const UNANSWERED_REQUEST_MS = 24 * 60 * 60 * 1000;

/** The request a 7-2/7-3 answers: the oldest sent request not answered yet. */
function pendingRequest(state: ClassificationState): ClassificationRequest | undefined {
  return state.requests.find((request) => request.sent !== undefined && request.answer === undefined);
}

/** The request still waiting for its 7-1 to go, or for the préfecture's answer. */
export function openRequest(state: ClassificationState): ClassificationRequest | undefined {
  return state.requests.find((request) => request.answer === undefined);
}

export function evolveClassification(state: ClassificationState, event: ClassificationEvent): ClassificationState {
  switch (event.type) {
    case 'ClassificationRequested': {
      const { requestId: id, requestedBy, at: requestedAt, dateClassificationHeld } = event.data;
      return { ...state, requests: [...state.requests, { id, requestedBy, requestedAt, dateClassificationHeld }] };
    }
    case 'ClassificationRequestSent': {
      const { requestId, at, fileName, sha256 } = event.data;
      return { ...state, requests: state.requests.map((r) => (r.id === requestId ? { ...r, sent: { at, fileName, sha256 } } : r)) };
    }
    case 'ClassificationReceived': {
      const { dateClassification, sha256, size, at: receivedAt, messageId, requestId } = event.data;
      const answer = { code: '7-2' as const, at: receivedAt, messageId, dateClassification };
      return {
        ...state,
        current: { dateClassification, sha256, size, receivedAt, messageId },
        requests: state.requests.map((r) => (r.id === requestId ? { ...r, answer } : r)),
        messageIds: [...state.messageIds, messageId],
      };
    }
    case 'ClassificationUnchanged': {
      const { dateClassification, at, messageId, requestId } = event.data;
      const answer = { code: '7-3' as const, at, messageId, dateClassification };
      return {
        ...state,
        confirmedAt: at,
        requests: state.requests.map((r) => (r.id === requestId ? { ...r, answer } : r)),
        messageIds: [...state.messageIds, messageId],
      };
    }
    default:
      return assertNever(event);
  }
}

/**
 * Decides a classification command. A request while another has been open less than a day records
 * nothing (the open one will bring the answer); a préfecture message read twice records nothing; an answer is tied to the
 * oldest request whose 7-1 was sent, if any (a préfecture may also send a 7-2 unasked).
 */
export function decideClassification(command: ClassificationCommand, state: ClassificationState): ClassificationEvent[] {
  const { siren, at } = command.data;
  switch (command.type) {
    case 'RequestClassification': {
      if (state.requests.some((r) => r.id === command.data.requestId)) return [];
      const open = openRequest(state);
      if (open !== undefined && Date.parse(at) - Date.parse(open.requestedAt) < UNANSWERED_REQUEST_MS) return [];
      const { requestId, requestedBy } = command.data;
      const dateClassificationHeld = state.current?.dateClassification ?? '';
      return [{ type: 'ClassificationRequested', data: { siren, at, requestId, requestedBy, dateClassificationHeld } }];
    }
    case 'RecordClassificationRequestSent': {
      const { requestId, fileName, sha256 } = command.data;
      const request = state.requests.find((r) => r.id === requestId);
      if (request === undefined) throw new ClassificationError(ClassificationErrorCode.UnknownRequest, `No classification request ${requestId} for ${siren}`);
      if (request.sent !== undefined) {
        if (request.sent.fileName === fileName && request.sent.sha256 === sha256) return [];
        throw new ClassificationError(ClassificationErrorCode.ConflictingFact, `The 7-1 of request ${requestId} was sent already as ${request.sent.fileName}`);
      }
      return [{ type: 'ClassificationRequestSent', data: { siren, at, requestId, fileName, sha256 } }];
    }
    case 'RecordClassification':
    case 'RecordClassificationUnchanged': {
      if (state.messageIds.includes(command.data.messageId)) return [];
      const requestId = pendingRequest(state)?.id;
      const link = requestId === undefined ? {} : { requestId };
      if (command.type === 'RecordClassification') {
        const { dateClassification, sha256, size, messageId } = command.data;
        return [{ type: 'ClassificationReceived', data: { siren, at, dateClassification, sha256, size, messageId, ...link } }];
      }
      const { dateClassification, messageId } = command.data;
      return [{ type: 'ClassificationUnchanged', data: { siren, at, dateClassification, messageId, ...link } }];
    }
    default:
      return assertNever(command);
  }
}
