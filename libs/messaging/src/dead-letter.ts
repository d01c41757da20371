import type { JsMsg, PubAck } from '@nats-io/jetstream';
import { describeError, errorCode } from './errors.js';
import { fromMsgHdrs, RelaisHeaders } from './headers.js';
import type { JetStreamPublisher } from './publish.js';
import type { MessagingNames } from './subjects.js';

/** Why a message was dead-lettered; written in the `Relais-Dlq-Reason` header. */
export const DeadLetterReasons = {
  /** The handler failed on its last allowed delivery. */
  HANDLER_FAILED: 'HANDLER_FAILED',
  /** The handler threw a `PermanentError`: retrying cannot help. */
  PERMANENT_ERROR: 'PERMANENT_ERROR',
  /** The payload could not be decoded or validated. */
  DECODE_FAILED: 'DECODE_FAILED',
  /** Every allowed delivery went unanswered (the consumer crashed or hung on it each time). */
  DELIVERY_TIMEOUT: 'DELIVERY_TIMEOUT',
} as const;
/** One of {@link DeadLetterReasons}. */
export type DeadLetterReason = (typeof DeadLetterReasons)[keyof typeof DeadLetterReasons];

// Headers of the original that must not follow it: the server's, and the DLQ's own from an earlier death.
const DROPPED_PREFIXES = ['nats-', 'relais-dlq-'];

/**
 * Publishes a copy of a consumed message to `<ns>.v1.dlq.<consumer>` with headers saying why and where
 * it came from, and waits for the PubAck. The msg id (stream, sequence, consumer) makes a repeat after a
 * crash between this publish and the `term` a duplicate the DLQ stream drops.
 */
export function publishDeadLetter(
  publisher: JetStreamPublisher,
  names: MessagingNames,
  consumer: string,
  msg: JsMsg,
  reason: DeadLetterReason,
  error: unknown,
): Promise<PubAck> {
  const original = fromMsgHdrs(msg.headers);
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(original)) {
    if (!DROPPED_PREFIXES.some((prefix) => key.toLowerCase().startsWith(prefix))) headers[key] = value;
  }
  const originalMsgId = original[RelaisHeaders.ORIGINAL_MSG_ID] ?? original[RelaisHeaders.MSG_ID];
  if (originalMsgId !== undefined) headers[RelaisHeaders.ORIGINAL_MSG_ID] = originalMsgId;
  const { stream, streamSequence, deliveryCount } = msg.info;
  Object.assign(headers, {
    [RelaisHeaders.DLQ_REASON]: reason,
    [RelaisHeaders.DLQ_ERROR]: describeError(error),
    [RelaisHeaders.DLQ_SUBJECT]: msg.subject,
    [RelaisHeaders.DLQ_STREAM]: stream,
    [RelaisHeaders.DLQ_STREAM_SEQ]: String(streamSequence),
    [RelaisHeaders.DLQ_DELIVERY_COUNT]: String(deliveryCount),
    [RelaisHeaders.DLQ_CONSUMER]: consumer,
    [RelaisHeaders.DLQ_FAILED_AT]: new Date().toISOString(),
  });
  const code = error instanceof Error && 'errorCode' in error && typeof error.errorCode === 'string' ? error.errorCode : errorCode(error);
  if (code !== undefined) headers[RelaisHeaders.DLQ_ERROR_CODE] = code;
  return publisher.publish(names.deadLetter(consumer), msg.data, {
    msgId: `${stream}:${streamSequence}:${consumer}`,
    headers,
  });
}
