import { createHmac, timingSafeEqual } from 'node:crypto';

/** The headers of every delivery. */
export const DeliveryHeaders = {
  /** The delivery id: the same on every attempt of one notification, so that a receiver drops a repeat. */
  Delivery: 'X-Relais-Delivery',
  /** `sha256=<hex HMAC-SHA256 of the raw body, keyed with the webhook's secret>`. */
  Signature: 'X-Relais-Signature',
  /** When this attempt was sent (ISO 8601 UTC); not covered by the signature. */
  Timestamp: 'X-Relais-Timestamp',
  /** The event type (`TransmissionAcknowledged`…), also in the body. */
  Event: 'X-Relais-Event',
} as const;

/** The `X-Relais-Signature` value of `body` under `secret`. */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** What a receiver does: recomputes the signature of the raw body and compares in constant time. */
export function verifySignature(secret: string, body: string, header: string | undefined): boolean {
  if (header === undefined) return false;
  const expected = Buffer.from(signature(secret, body));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The headers of one attempt of delivery `deliveryId`. */
export function deliveryHeaders(options: {
  readonly deliveryId: string;
  readonly eventType: string;
  readonly secret: string;
  readonly body: string;
  readonly now: Date;
}): Record<string, string> {
  return {
    'content-type': 'application/json; charset=utf-8',
    'user-agent': 'relais-notifier',
    [DeliveryHeaders.Delivery]: options.deliveryId,
    [DeliveryHeaders.Signature]: signature(options.secret, options.body),
    [DeliveryHeaders.Timestamp]: options.now.toISOString(),
    [DeliveryHeaders.Event]: options.eventType,
  };
}
