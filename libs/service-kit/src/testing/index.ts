/**
 * The testing entry of the service kit (`@relais/service-kit/testing`): what the tests of every service
 * share to drive it over a real database and NATS namespace — small stream limits, the outbox relay,
 * publishing a stored event as the relay does, waiting for a consumer's acknowledgement, polling, and
 * Nest loggers that record or stay quiet. Production code does not import it.
 */
export { waitFor } from './wait.js';
export { historyOf, relayEvent, startTestRelay, storedEvent, TEST_LIMITS, waitUntilAcked, type TestBus } from './events.js';
export { quiet, RecordingLogger, recordingTo } from './nest-logging.js';
