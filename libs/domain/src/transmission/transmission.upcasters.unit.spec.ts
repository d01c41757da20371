import { describe, expect, it } from '@jest/globals';
import { fromStored, toStored } from './transmission.wire.js';
import { storedTypeOf, upcast } from './transmission.upcasters.js';
import type { TransmissionEvent } from './transmission.events.js';

/** A TransmissionFailed exactly as the code before version 2 stored it (protobuf JSON of the v1 message). */
const storedV1 = {
  type: 'relais.transmission.v1.TransmissionFailed',
  data: { transmissionId: 't-1', at: '2026-01-05T09:00:00Z', attempts: 3, reason: 'CHANNEL.SERVER_PIN_MISMATCH: the server presented another certificate' },
};

describe('event versioning', () => {
  it('writes TransmissionFailed as its v2 type, with its code', () => {
    const event: TransmissionEvent = {
      type: 'TransmissionFailed',
      data: { transmissionId: 't-2', at: '2026-01-05T09:00:00.000Z', attempts: 2, code: 'DELIVERY.FAILED', reason: 'retry budget spent' },
    };
    const stored = toStored(event);
    expect(stored.type).toBe('relais.transmission.v2.TransmissionFailed');
    expect(stored.data).toMatchObject({ code: 'DELIVERY.FAILED', reason: 'retry budget spent' });
    expect(fromStored(stored.type, stored.data)).toEqual(event);
    expect(storedTypeOf('TransmissionFailed')).toBe(stored.type);
    expect(storedTypeOf('TransmissionReceived')).toBe('relais.transmission.v1.TransmissionReceived');
  });

  it('reads a v1 TransmissionFailed in the v2 shape, its code taken from the head of its reason', () => {
    expect(upcast(storedV1.type, storedV1.data)).toEqual({
      type: 'relais.transmission.v2.TransmissionFailed',
      data: { ...storedV1.data, code: 'CHANNEL.SERVER_PIN_MISMATCH' },
    });
    expect(fromStored(storedV1.type, storedV1.data)).toEqual({
      type: 'TransmissionFailed',
      data: { transmissionId: 't-1', at: '2026-01-05T09:00:00.000Z', attempts: 3, code: 'CHANNEL.SERVER_PIN_MISMATCH', reason: storedV1.data.reason },
    });
    // A v1 reason without a code gets the generic one.
    expect(fromStored(storedV1.type, { ...storedV1.data, reason: 'retry budget spent' })).toMatchObject({ data: { code: 'DELIVERY.FAILED' } });
  });

  it('leaves every other stored type as it is, and still refuses what no version knows', () => {
    const received = { type: 'relais.transmission.v1.TransmissionValidated', data: { transmissionId: 't-1', at: '2026-01-05T09:00:00Z' } };
    expect(upcast(received.type, received.data)).toEqual(received);
    expect(() => fromStored('relais.transmission.v3.TransmissionFailed', storedV1.data)).toThrow(/unknown event type/);
    expect(() => fromStored(storedV1.type, { ...storedV1.data, extra: 1 })).toThrow();
  });
});
