/** Injection token of the module's `NatsConnection`. */
export const NATS_CONNECTION = Symbol('relais.messaging.nats-connection');
/** Injection token of the module's resolved options. */
export const MESSAGING_OPTIONS = Symbol('relais.messaging.options');
/** Metadata key of `@JetStreamHandler`. */
export const JETSTREAM_HANDLER = 'relais.messaging.jetstream-handler';
