import { describe, expect, it } from '@jest/globals';
import type { DeadLetter } from '@relais/messaging';
import { parseDeadLetterQuery } from './dead-letter-query.js';
import { deadLetterView } from './dead-letter-view.js';

const letter = (data: Uint8Array, errorCode?: string): DeadLetter => ({
  seq: 7,
  consumer: 'router',
  reason: 'DECODE_FAILED',
  error: 'DecodeError: Payload is not UTF-8 JSON',
  errorCode,
  originalSubject: 'relais.v1.evt.transmission.x',
  originalStream: 'relais_EVENTS',
  originalSeq: 41,
  deliveryCount: 1,
  failedAt: '2026-03-02T09:00:00.000Z',
  originalMsgId: undefined,
  headers: {},
  data,
});

describe('deadLetterView', () => {
  it('shows a payload that is not an envelope without facts about it, and no errorCode when there was none', () => {
    const view = deadLetterView(letter(new Uint8Array([0xff, 0xfe, 0x00])));
    expect(view).toEqual({
      seq: 7,
      consumer: 'router',
      reason: 'DECODE_FAILED',
      error: 'DecodeError: Payload is not UTF-8 JSON',
      originalSubject: 'relais.v1.evt.transmission.x',
      failedAt: '2026-03-02T09:00:00.000Z',
      deliveryCount: 1,
    });
    expect(deadLetterView(letter(new TextEncoder().encode('[1, 2]')))).toEqual(view);
  });

  it('names the transmission only for a transmission’s stream', () => {
    const bytes = (streamId: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify({ eventId: 'e-1', type: 'T', streamId }));
    expect(deadLetterView(letter(bytes('transmission-abc'), 'X.Y'))).toMatchObject({ streamId: 'transmission-abc', transmissionId: 'abc', errorCode: 'X.Y' });
    expect(deadLetterView(letter(bytes('collectivite-212102313')))).not.toHaveProperty('transmissionId');
    expect(deadLetterView(letter(bytes(42)))).not.toHaveProperty('streamId');
  });
});

describe('parseDeadLetterQuery', () => {
  it('has defaults, and reads consumer, after and limit', () => {
    expect(parseDeadLetterQuery({})).toEqual({ consumer: undefined, after: 0, limit: 50 });
    expect(parseDeadLetterQuery({ consumer: 'relais_router', after: '12', limit: '500' })).toEqual({ consumer: 'relais_router', after: 12, limit: 500 });
  });

  it('refuses each malformed parameter by name', () => {
    for (const [raw, field] of [
      [{ consumer: 'a b' }, 'consumer'],
      [{ consumer: ['a', 'b'] }, 'consumer'],
      [{ after: '1e3' }, 'after'],
      [{ limit: '0' }, 'limit'],
      [{ limit: '2.5' }, 'limit'],
    ] as const) {
      expect(() => parseDeadLetterQuery(raw)).toThrow(expect.objectContaining({ status: 400, errors: [expect.objectContaining({ code: 'REQUEST.INVALID_QUERY', field })] }));
    }
  });
});
