import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';

/** Header names this library writes and reads, in one place. */
export const RelaisHeaders = {
  /** JetStream's de-duplication key: the event id for relayed events. */
  MSG_ID: 'Nats-Msg-Id',
  /** The event type, so that tools can filter without decoding the payload. */
  TYPE: 'Relais-Type',
  /** The encoded log checkpoint of the relayed event: how the relay finds where the stream stops. */
  POSITION: 'Relais-Position',
  /** On a replayed dead letter: the original message id, which the consumer's idempotency keys on. */
  ORIGINAL_MSG_ID: 'Relais-Original-Msg-Id',
  /** On a replayed dead letter: the DLQ stream sequence it came from. */
  REPLAY_OF: 'Relais-Replay-Of',
  /** On a replayed dead letter: the only consumer meant to handle it; the others ack it untouched. */
  REPLAY_FOR: 'Relais-Replay-For',
  /** On a dead letter: why (see `DeadLetterReason`). */
  DLQ_REASON: 'Relais-Dlq-Reason',
  /** On a dead letter: the last error, one line. */
  DLQ_ERROR: 'Relais-Dlq-Error',
  /** On a dead letter: the stable code of the last error, when it had one. */
  DLQ_ERROR_CODE: 'Relais-Dlq-Error-Code',
  /** On a dead letter: the subject the message was consumed from. */
  DLQ_SUBJECT: 'Relais-Dlq-Subject',
  /** On a dead letter: the stream it was consumed from. */
  DLQ_STREAM: 'Relais-Dlq-Stream',
  /** On a dead letter: its sequence in that stream. */
  DLQ_STREAM_SEQ: 'Relais-Dlq-Stream-Seq',
  /** On a dead letter: how many times it had been delivered. */
  DLQ_DELIVERY_COUNT: 'Relais-Dlq-Delivery-Count',
  /** On a dead letter: the consumer that gave up on it. */
  DLQ_CONSUMER: 'Relais-Dlq-Consumer',
  /** On a dead letter: when it was dead-lettered (ISO 8601). */
  DLQ_FAILED_AT: 'Relais-Dlq-Failed-At',
} as const;

// Header values travel on one line; an error message may not.
const MAX_HEADER_VALUE = 1024;

/** Builds NATS headers from a plain record (values flattened to one line and bounded). */
export function toMsgHdrs(values: Readonly<Record<string, string>>): MsgHdrs {
  const h = natsHeaders();
  for (const [key, value] of Object.entries(values)) h.set(key, oneLine(value));
  return h;
}

/** Reads NATS headers into a plain record (first value of each key). */
export function fromMsgHdrs(h: MsgHdrs | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  for (const key of h.keys()) out[key] = h.get(key);
  return out;
}

function oneLine(value: string): string {
  const flat = value.replace(/[\r\n]+/g, ' ');
  return flat.length > MAX_HEADER_VALUE ? `${flat.slice(0, MAX_HEADER_VALUE - 1)}…` : flat;
}
