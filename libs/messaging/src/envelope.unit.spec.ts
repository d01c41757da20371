import { describe, expect, it } from '@jest/globals';
import { decodeEnvelope, encodeJson } from './envelope.js';
import { DecodeError, describeError } from './errors.js';

const envelope = {
  eventId: '0b7c5b7e-5d8e-4a3c-9d3b-2f1d2c3b4a59',
  streamId: 'acte-1',
  streamVersion: '1',
  type: 'ActeReceived',
  data: { numero: 'A-1' },
  metadata: {},
  recordedAt: '2026-01-05T09:00:00.000Z',
  position: '10:1',
};

describe('envelope', () => {
  it('round-trips, with bigints written as strings', () => {
    expect(decodeEnvelope(encodeJson(envelope))).toEqual(envelope);
    expect(new TextDecoder().decode(encodeJson({ n: 2n ** 64n }))).toBe('{"n":"18446744073709551616"}');
  });

  it('refuses what is not an envelope, as a DecodeError', () => {
    const bad = [new TextEncoder().encode('not json'), encodeJson([1]), encodeJson({ ...envelope, data: 'x' }), encodeJson({ ...envelope, eventId: 1 })];
    for (const bytes of bad) expect(() => decodeEnvelope(bytes)).toThrow(DecodeError);
    expect(() => decodeEnvelope(new Uint8Array([0xff, 0xfe]))).toThrow(DecodeError);
  });

  it('describes thrown values on one line', () => {
    expect(describeError(new DecodeError('bad'))).toBe('DecodeError: bad');
    expect(describeError({ toString: () => 'line one\n  line two' })).toBe('line one line two');
    expect(describeError({ a: 1 })).toBe('{"a":1}');
    expect(describeError([new Error('a'), 'b'])).toBe('Error: a; b');
  });
});
