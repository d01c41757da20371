/**
 * JetStream plumbing of Relais on `@nats-io/transport-node` and `@nats-io/jetstream` v3: namespaced
 * names and versioned subjects, streams and durable pull consumers declared in code, a publisher that
 * waits for PubAcks, a consumer runner with explicit acks, bounded retries and dead letters, an
 * operator tool for dead letters, idempotent handling through the event store's inbox, the outbox
 * relay from the PostgreSQL log, and a NestJS module with a `@JetStreamHandler` method decorator.
 */
export {
  assertName,
  DEFAULT_NAMESPACE,
  eventPattern,
  MessagingNames,
  namespaceFromEnv,
  StreamNames,
  SUBJECT_VERSION,
  subjectToken,
  type StreamName,
  type SubjectPattern,
} from './subjects.js';
export {
  DeadLetterNotFoundError,
  DecodeError,
  describeError,
  errorCode,
  InvalidConfigError,
  InvalidNameError,
  MessagingError,
  PermanentError,
  PublishBatchError,
  RelayLockLostError,
} from './errors.js';
export { fromMsgHdrs, RelaisHeaders, toMsgHdrs } from './headers.js';
export { decodeEnvelope, encodeJson, type EventEnvelope, type JsonObject, type JsonValue } from './envelope.js';
export {
  JetStreamPublisher,
  type OutgoingMessage,
  type PublishBatchOptions,
  type PublisherOptions,
  type PublishOptions,
} from './publish.js';
export {
  DLQ_STREAM_LIMITS,
  ensureMessagingStreams,
  ensureStream,
  EVENTS_STREAM_LIMITS,
  streamConfig,
  streamInfoOrNull,
  streamLimitsFromEnv,
  type StreamLimits,
  type StreamSpec,
} from './streams.js';
export {
  assertRetryPolicy,
  DEFAULT_RETRY_POLICY,
  exponentialBackoff,
  retryDelayMs,
  type RetryPolicy,
} from './consumer/retry-policy.js';
export {
  consumerConfig,
  DEFAULT_ACK_WAIT_MS,
  DEFAULT_MAX_ACK_PENDING,
  ensureConsumer,
  SPARE_DELIVERIES,
  type ConsumerSettings,
} from './consumer/consumer-config.js';
export type { MessageContext, MessageDecoder, MessageHandler } from './consumer/message-context.js';
export {
  startConsumer,
  type ConsumerRunner,
  type ConsumerRunnerOptions,
  type StopOptions,
  type StopOutcome,
} from './consumer/consumer-runner.js';
export { DEFAULT_SHUTDOWN_TIMEOUT_MS, shutdownBudget, shutdownBudgetFromEnv, type ShutdownBudget } from './shutdown-budget.js';
export { DeadLetterReasons, publishDeadLetter, type DeadLetterReason } from './dead-letter.js';
export {
  listDeadLetters,
  replayDeadLetter,
  type DeadLetter,
  type ListDeadLettersOptions,
  type ReplayDeadLetterOptions,
  type ReplayResult,
} from './dead-letter-admin.js';
export { handleOnce, type HandleOnceResult } from './handle-once.js';
export { consoleLogger, type MessagingLogger } from './logger.js';
export { compareCheckpoints, type OutboxSource, type RelayState, type RelayStateStore } from './relay/relay-state.js';
export { decideResume, readStreamTail, type ResumeDecision, type StreamTail } from './relay/reconcile.js';
export { defaultEventSubject, toEnvelope, toOutgoing, type EventSubjectMapper } from './relay/event-message.js';
export { migrateMessaging, PostgresRelayStateStore } from './relay/postgres-relay-state.js';
export { PostgresAdvisoryLock, type RelayLock } from './relay/advisory-lock.js';
export { OutboxRelay, type OutboxRelayOptions, type RelayStatus } from './relay/outbox-relay.js';
export { createPostgresRelay, type PostgresRelayOptions } from './relay/postgres-relay.js';
export { MessagingModule } from './nest/messaging.module.js';
export type { MessagingModuleOptions } from './nest/messaging-options.js';
export {
  JetStreamHandler,
  type JetStreamHandlerMetadata,
  type JetStreamHandlerOptions,
} from './nest/jetstream-handler.decorator.js';
export { validatedPayload } from './nest/validated-payload.js';
export { JETSTREAM_HANDLER, MESSAGING_OPTIONS, NATS_CONNECTION } from './nest/tokens.js';
