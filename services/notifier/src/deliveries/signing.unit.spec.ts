import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { deliveryHeaders, signature, verifySignature } from './signing.js';

const secret = 'whsec-0123456789abcdef';
const body = '{"deliveryId":"d-1","event":{"type":"TransmissionAcknowledged","objet":"Délibération n° 12"}}';

describe('signing a delivery', () => {
  it('is the hex HMAC-SHA256 of the raw UTF-8 body keyed with the secret, prefixed sha256=', () => {
    // A known answer, computed independently of the code under test.
    expect(signature('key', 'The quick brown fox jumps over the lazy dog')).toBe(
      'sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
    );
    expect(signature(secret, body)).toBe(`sha256=${createHmac('sha256', Buffer.from(secret)).update(Buffer.from(body, 'utf8')).digest('hex')}`);
  });

  it('verifies only the exact body under the exact secret', () => {
    const header = signature(secret, body);
    expect(verifySignature(secret, body, header)).toBe(true);
    expect(verifySignature(secret, body.replace('12', '13'), header)).toBe(false);
    expect(verifySignature(`${secret}x`, body, header)).toBe(false);
    expect(verifySignature(secret, body, undefined)).toBe(false);
    expect(verifySignature(secret, body, 'sha256=00')).toBe(false);
  });

  it('puts the delivery id, the signature, the time of the attempt and the event type in the headers', () => {
    const headers = deliveryHeaders({ deliveryId: 'd-1', eventType: 'TransmissionAcknowledged', secret, body, now: new Date('2026-01-05T09:00:00.000Z') });
    expect(headers).toEqual({
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'relais-notifier',
      'X-Relais-Delivery': 'd-1',
      'X-Relais-Signature': signature(secret, body),
      'X-Relais-Timestamp': '2026-01-05T09:00:00.000Z',
      'X-Relais-Event': 'TransmissionAcknowledged',
    });
  });
});
