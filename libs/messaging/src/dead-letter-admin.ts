import { jetstreamManager, type PubAck, type StoredMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { DeadLetterNotFoundError } from './errors.js';
import { fromMsgHdrs, RelaisHeaders } from './headers.js';
import { JetStreamPublisher } from './publish.js';
import { MessagingNames, StreamNames } from './subjects.js';

/** A dead letter as an operator sees it. */
export interface DeadLetter {
  /** Its sequence in the DLQ stream: what {@link replayDeadLetter} takes. */
  readonly seq: number;
  readonly consumer: string;
  readonly reason: string;
  readonly error: string;
  readonly errorCode: string | undefined;
  readonly originalSubject: string;
  readonly originalStream: string;
  readonly originalSeq: number;
  readonly deliveryCount: number;
  readonly failedAt: string;
  /** The original message id (event id for relayed events). */
  readonly originalMsgId: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly data: Uint8Array;
}

/** Options of {@link listDeadLetters}. */
export interface ListDeadLettersOptions {
  readonly namespace: string;
  /** Only this consumer's dead letters. */
  readonly consumer?: string;
  /** Start at this DLQ sequence (default: the oldest); page with the last `seq` + 1. */
  readonly fromSeq?: number;
  /** At most this many (default 100). */
  readonly limit?: number;
}

/** Lists dead letters in DLQ order, oldest first (one direct get each, filtered by subject on the server). */
export async function listDeadLetters(nc: NatsConnection, options: ListDeadLettersOptions): Promise<DeadLetter[]> {
  const names = new MessagingNames(options.namespace);
  const jsm = await jetstreamManager(nc);
  const stream = names.stream(StreamNames.DLQ);
  const subject = options.consumer === undefined ? names.allDeadLetters() : names.deadLetter(options.consumer);
  const limit = options.limit ?? 100;
  const found: DeadLetter[] = [];
  let seq = Math.max(1, options.fromSeq ?? 1);
  while (found.length < limit) {
    const msg = await jsm.direct.getMessage(stream, { seq, next_by_subj: subject });
    if (msg === null) break;
    found.push(toDeadLetter(msg));
    seq = msg.seq + 1;
  }
  return found;
}

/** Options of {@link replayDeadLetter}. */
export interface ReplayDeadLetterOptions {
  readonly namespace: string;
  /** The DLQ sequence of the dead letter. */
  readonly seq: number;
  /** Keep the dead letter in the DLQ after the replay (default: delete it once the replay is stored). */
  readonly keep?: boolean;
}

/** What a replay published. */
export interface ReplayResult {
  readonly subject: string;
  readonly msgId: string;
  readonly ack: PubAck;
}

/**
 * Publishes a dead letter again on its original subject, for its consumer to handle once more (after a
 * fix). The msg id is new (`<original>:replay:<dlq seq>`): the original id is still in the duplicate
 * window, and the stream would drop the replay as a duplicate; the same dead letter replayed twice is
 * dropped once. The original id travels in `Relais-Original-Msg-Id`, so the consumer's inbox still
 * recognises work it did; `Relais-Replay-For` makes other consumers of the subject ack it untouched.
 * `Relais-Position` is dropped: a replay is not the relay's and must not move its reconciliation.
 */
export async function replayDeadLetter(nc: NatsConnection, options: ReplayDeadLetterOptions): Promise<ReplayResult> {
  const names = new MessagingNames(options.namespace);
  const jsm = await jetstreamManager(nc);
  const stream = names.stream(StreamNames.DLQ);
  const msg = await jsm.streams.getMessage(stream, { seq: options.seq });
  if (msg === null) throw new DeadLetterNotFoundError(options.seq);
  const letter = toDeadLetter(msg);
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(letter.headers)) {
    const lower = key.toLowerCase();
    if (!lower.startsWith('nats-') && !lower.startsWith('relais-dlq-') && lower !== RelaisHeaders.POSITION.toLowerCase()) {
      headers[key] = value;
    }
  }
  const originalMsgId = letter.originalMsgId ?? `${letter.originalStream}:${letter.originalSeq}`;
  headers[RelaisHeaders.ORIGINAL_MSG_ID] = originalMsgId;
  headers[RelaisHeaders.REPLAY_OF] = String(options.seq);
  headers[RelaisHeaders.REPLAY_FOR] = letter.consumer;
  const msgId = `${originalMsgId}:replay:${options.seq}`;
  const ack = await new JetStreamPublisher(nc).publish(letter.originalSubject, letter.data, { msgId, headers });
  if (options.keep !== true) await jsm.streams.deleteMessage(stream, options.seq);
  return { subject: letter.originalSubject, msgId, ack };
}

function toDeadLetter(msg: StoredMsg): DeadLetter {
  const headers = fromMsgHdrs(msg.header);
  const consumer = headers[RelaisHeaders.DLQ_CONSUMER] ?? msg.subject.split('.').at(-1) ?? '';
  return {
    seq: msg.seq,
    consumer,
    reason: headers[RelaisHeaders.DLQ_REASON] ?? '',
    error: headers[RelaisHeaders.DLQ_ERROR] ?? '',
    errorCode: headers[RelaisHeaders.DLQ_ERROR_CODE],
    originalSubject: headers[RelaisHeaders.DLQ_SUBJECT] ?? '',
    originalStream: headers[RelaisHeaders.DLQ_STREAM] ?? '',
    originalSeq: Number(headers[RelaisHeaders.DLQ_STREAM_SEQ] ?? 0),
    deliveryCount: Number(headers[RelaisHeaders.DLQ_DELIVERY_COUNT] ?? 0),
    failedAt: headers[RelaisHeaders.DLQ_FAILED_AT] ?? msg.time.toISOString(),
    originalMsgId: headers[RelaisHeaders.ORIGINAL_MSG_ID],
    headers,
    data: msg.data,
  };
}
