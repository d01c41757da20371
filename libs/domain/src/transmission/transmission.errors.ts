import { DomainError } from '../shared/domain-error.js';

/** The stable codes of every refusal about a transmission. */
export const TransmissionErrorCode = {
  /** A different transmission already has this id. */
  AlreadyExists: 'TRANSMISSION.ALREADY_EXISTS',
  /** No transmission has this id. */
  NotFound: 'TRANSMISSION.NOT_FOUND',
  /** The command is not allowed in the transmission's current status. */
  InvalidTransition: 'TRANSMISSION.INVALID_TRANSITION',
  /** The command states a fact that contradicts one already recorded (another IDActe, say). */
  ConflictingFact: 'TRANSMISSION.CONFLICTING_FACT',
  /** The command is about the other kind (a PES acquittal for an acte, an @ctes channel for a PES). */
  KindMismatch: 'TRANSMISSION.KIND_MISMATCH',
  /** The command contradicts itself (a refused element in an acknowledgment, attempt 0). */
  InvalidCommand: 'TRANSMISSION.INVALID_COMMAND',
  /** Cancellation is only for an acknowledged acte with an IDActe; a PES file cannot be cancelled. */
  CancellationNotAllowed: 'TRANSMISSION.CANCELLATION_NOT_ALLOWED',
  /** No exchange of this number: the préfecture sent no such letter about this acte. */
  ExchangeNotFound: 'TRANSMISSION.EXCHANGE_NOT_FOUND',
  /** The answer does not fit the letter (a 4-4 to a 2-1), or the letter was answered already. */
  ReplyNotAllowed: 'TRANSMISSION.REPLY_NOT_ALLOWED',
  /** A stored event could not be decoded into a domain event. */
  UndecodableEvent: 'TRANSMISSION.UNDECODABLE_EVENT',
} as const;

/** One of the transmission error codes. */
export type TransmissionErrorCode = (typeof TransmissionErrorCode)[keyof typeof TransmissionErrorCode];

/** A refusal about a transmission. */
export class TransmissionError extends DomainError<TransmissionErrorCode> {}
