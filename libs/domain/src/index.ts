/**
 * The domain of Relais as pure functions: no I/O, no framework. A transmission's life cycle is a
 * decider (`decide`, `evolve`, `initialState`) over domain events and commands, and
 * `toStored`/`fromStored` convert those events to and from their wire form.
 */
export { DomainError, isDomainError } from './shared/domain-error.js';
export type { Command, Event, Instant } from './shared/message.types.js';
export type * from './transmission/transmission.values.js';
export {
  channelOf,
  collectiviteReplyCodes,
  DELIVERY_FAILED,
  failureCodeOf,
  letterCodes,
  letterRules,
  nackSourceKinds,
  outboundMessageCodes,
  PersonalField,
  personalFields,
  PLATFORM_ACTOR,
  replyCodes,
  replyDocuments,
  replyReceiptCodes,
} from './transmission/transmission.values.js';
export type * from './transmission/transmission.events.js';
export { prefectureMessageTypeOf, prefectureMessageTypes, transmissionStatuses, type PrefectureMessageType } from './transmission/prefecture-messages.js';
export type * from './transmission/transmission.commands.js';
export { TransmissionError, TransmissionErrorCode } from './transmission/transmission.errors.js';
export {
  evolve,
  initialState,
  type Deferral,
  type Exchange,
  type ExchangeReply,
  type SentMessage,
  type FailedAttempt,
  type PackagedFile,
  type SentAttempt,
  type StateAnswer,
  type Transmission,
  type TransmissionState,
} from './transmission/transmission.state.js';
export { decide } from './transmission/transmission.decide.js';
export { MAX_SHRED_REASON_LENGTH, personalFieldsOf } from './transmission/personal-data.decide.js';
export { transmissionDecider, type Decider } from './transmission/transmission.decider.js';
export { fromStored, toStored, type WireEvent } from './transmission/transmission.wire.js';
export { storedTypeOf, upcast, upcasters, type Upcaster } from './transmission/transmission.upcasters.js';
export {
  ClassificationError,
  ClassificationErrorCode,
  decideClassification,
  evolveClassification,
  initialClassificationState,
  openRequest,
  type ClassificationCommand,
  type ClassificationEvent,
  type ClassificationRequest,
  type ClassificationState,
  type ReceivedClassification,
} from './classification/classification.js';
export {
  CLASSIFICATION_EVENT_TYPES,
  classificationFromStored,
  classificationToStored,
} from './classification/classification.wire.js';
