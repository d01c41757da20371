import { describe, expect, it } from '@jest/globals';
import type { StoredEvent } from '@relais/event-store';
import { decodeEnvelope } from '../envelope.js';
import { RelaisHeaders } from '../headers.js';
import { MessagingNames } from '../subjects.js';
import { defaultEventSubject, toOutgoing } from './event-message.js';

const event: StoredEvent = {
  globalPosition: 9_007_199_254_740_993n,
  transactionId: 42n,
  streamId: 'acte-7f1c',
  streamVersion: 3n,
  eventId: '7d0c5e0e-8f6b-4a53-9a39-0c0d5b1f2a11',
  type: 'ActeReceived',
  data: { numero: 'A-1' },
  metadata: { correlationId: 'c-1' },
  recordedAt: new Date('2026-01-05T09:00:00.123Z'),
  hash: Buffer.alloc(32),
};

describe('the message of a relayed event', () => {
  const names = new MessagingNames('relais');

  it('goes to <ns>.v1.evt.<category>.<type>, the category taken from the stream id', () => {
    expect(defaultEventSubject(event, names)).toBe('relais.v1.evt.acte.ActeReceived');
    expect(defaultEventSubject({ ...event, streamId: 'flux' }, names)).toBe('relais.v1.evt.flux.ActeReceived');
  });

  it('carries the envelope with bigints as strings, the event id as msg id, type and position in headers', () => {
    const message = toOutgoing(event, names, defaultEventSubject);
    expect(message.msgId).toBe(event.eventId);
    expect(message.headers).toEqual({ [RelaisHeaders.TYPE]: 'ActeReceived', [RelaisHeaders.POSITION]: '42:9007199254740993' });
    expect(decodeEnvelope(message.payload as Uint8Array)).toEqual({
      eventId: event.eventId,
      streamId: 'acte-7f1c',
      streamVersion: '3',
      type: 'ActeReceived',
      data: { numero: 'A-1' },
      metadata: { correlationId: 'c-1' },
      recordedAt: '2026-01-05T09:00:00.123Z',
      position: '42:9007199254740993',
    });
  });
});
