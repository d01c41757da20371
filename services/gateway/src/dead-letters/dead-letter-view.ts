import type { DeadLetter } from '@relais/messaging';

/** A dead letter as `GET /api/v1/admin/dead-letters` shows it. */
export interface DeadLetterView {
  /** Its sequence in the DLQ stream: what `POST …/{seq}/retry` takes. */
  readonly seq: number;
  /** The consumer that gave up on it. */
  readonly consumer: string;
  /** HANDLER_FAILED, PERMANENT_ERROR, DECODE_FAILED or DELIVERY_TIMEOUT. */
  readonly reason: string;
  /** The last error, one line. */
  readonly error: string;
  readonly errorCode?: string;
  readonly originalSubject: string;
  readonly failedAt: string;
  readonly deliveryCount: number;
  /** For a relayed event: the event's id, type and stream, and the transmission it belongs to. */
  readonly eventId?: string;
  readonly eventType?: string;
  readonly streamId?: string;
  readonly transmissionId?: string;
}

const TRANSMISSION_STREAM = /^transmission-(.+)$/;

/** What the payload says about itself when it is a relayed event's envelope; nothing when it is not. */
function envelopeFacts(data: Uint8Array): Pick<DeadLetterView, 'eventId' | 'eventType' | 'streamId' | 'transmissionId'> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
  } catch {
    // A payload that could not be decoded is a reason to be dead-lettered: shown without facts.
    return {};
  }
  if (typeof value !== 'object' || value === null) return {};
  const text = (key: string): string | undefined => {
    const field = (value as Record<string, unknown>)[key];
    return typeof field === 'string' ? field : undefined;
  };
  const streamId = text('streamId');
  const transmissionId = streamId === undefined ? undefined : TRANSMISSION_STREAM.exec(streamId)?.[1];
  const eventId = text('eventId');
  const eventType = text('type');
  return {
    ...(eventId === undefined ? {} : { eventId }),
    ...(eventType === undefined ? {} : { eventType }),
    ...(streamId === undefined ? {} : { streamId }),
    ...(transmissionId === undefined ? {} : { transmissionId }),
  };
}

/** The operator's view of a dead letter: its headers' facts and what its payload says it is. Pure. */
export function deadLetterView(letter: DeadLetter): DeadLetterView {
  return {
    seq: letter.seq,
    consumer: letter.consumer,
    reason: letter.reason,
    error: letter.error,
    ...(letter.errorCode === undefined ? {} : { errorCode: letter.errorCode }),
    originalSubject: letter.originalSubject,
    failedAt: letter.failedAt,
    deliveryCount: letter.deliveryCount,
    ...envelopeFacts(letter.data),
  };
}
