import { describe, expect, it } from '@jest/globals';
import {
  canonicalEventJson,
  canonicalEventJsonFromParts,
  eventHash,
  formatRecordedAt,
  GENESIS_HASH,
  type HashedEvent,
} from './hash.js';
import { prepareAppend } from './prepare.js';
import type { JsonObject } from './types.js';

const first: HashedEvent = {
  streamId: 'acte-42',
  streamVersion: 1n,
  eventId: '6f1c2a7e-0000-4000-8000-000000000001',
  type: 'ActeReceived',
  data: {
    siren: '213105554',
    objet: 'Délibération n°1 — budget',
    montant: 1234.5,
    tags: ['a', 'b'],
    nested: { z: 1, a: null, m: true },
  },
  metadata: { correlationId: 'c-1' },
  recordedAt: '2026-11-28T14:29:48.123000Z',
};

describe('canonical encoding and hash chain', () => {
  it('encodes the documented fields in RFC 8785 form', () => {
    expect(canonicalEventJson(first)).toBe(
      '{"data":{"montant":1234.5,"nested":{"a":null,"m":true,"z":1},"objet":"Délibération n°1 — budget",' +
        '"siren":"213105554","tags":["a","b"]},"eventId":"6f1c2a7e-0000-4000-8000-000000000001",' +
        '"metadata":{"correlationId":"c-1"},"recordedAt":"2026-11-28T14:29:48.123000Z","streamId":"acte-42",' +
        '"streamVersion":1,"type":"ActeReceived"}',
    );
  });

  it('gives the golden hashes (first event, then the next chained to it)', () => {
    const h1 = eventHash(GENESIS_HASH, first);
    const second: HashedEvent = { ...first, streamVersion: 2n, eventId: '6f1c2a7e-0000-4000-8000-000000000002', type: 'ActeTransmitted', data: {}, metadata: {} };
    const h2 = eventHash(h1, second);
    expect(h1.toString('hex')).toBe('d9cb267960ee16f209a4be4bfb3679425441cf93e3d1d85b77b9c09e15e4d93f');
    expect(h2.toString('hex')).toBe('3fbc5e8bcf48b36b39e05022f9011b4cd566948c9473a0eb2d4e4e036735187a');
  });

  it('ignores key order in data and metadata', () => {
    const reordered: HashedEvent = {
      ...first,
      data: { nested: { m: true, a: null, z: 1 }, tags: ['a', 'b'], montant: 1234.5, objet: 'Délibération n°1 — budget', siren: '213105554' },
    };
    expect(eventHash(GENESIS_HASH, reordered)).toEqual(eventHash(GENESIS_HASH, first));
  });

  it('changes with any hashed field, and with the previous hash', () => {
    const base = eventHash(GENESIS_HASH, first).toString('hex');
    const variants: HashedEvent[] = [
      { ...first, streamId: 'acte-43' },
      { ...first, streamVersion: 2n },
      { ...first, eventId: '6f1c2a7e-0000-4000-8000-000000000009' },
      { ...first, type: 'ActeRejected' },
      { ...first, data: { ...first.data, montant: 1234.51 } },
      { ...first, metadata: {} },
      { ...first, recordedAt: '2026-11-28T14:29:48.123001Z' },
    ];
    for (const v of variants) expect(eventHash(GENESIS_HASH, v).toString('hex')).not.toBe(base);
    expect(eventHash(Buffer.alloc(32, 1), first).toString('hex')).not.toBe(base);
  });

  it('assembles the same text from pre-canonicalised parts as from the whole event', () => {
    const payloads: JsonObject[] = [
      {},
      { a: 1, b: [1, 2, { c: 'é\u2028\n"\\' }], big: 12345678901234567000, small: 1e-7, neg: -0, float: 0.1 },
      { '\u00e9': 1, e: 2, '\uD83D\uDE00': 'emoji', z: { y: { x: [] } } },
    ];
    for (const data of payloads) {
      const [prepared] = prepareAppend('stream "quoted" é', 'any', [
        { eventId: '6F1C2A7E-0000-4000-8000-00000000000A', type: 'T\u00e9st', data, metadata: { k: 'v' } },
      ]);
      const expected = canonicalEventJson({
        streamId: 'stream "quoted" é',
        streamVersion: 12n,
        eventId: '6f1c2a7e-0000-4000-8000-00000000000a',
        type: 'T\u00e9st',
        data: JSON.parse(JSON.stringify(data)) as HashedEvent['data'],
        metadata: { k: 'v' },
        recordedAt: '2026-11-28T14:29:48.123000Z',
      });
      expect(canonicalEventJsonFromParts(prepared!.canonical, 12n, '2026-11-28T14:29:48.123000Z')).toBe(expected);
    }
  });

  it('writes recorded_at as UTC with 6 fractional digits', () => {
    expect(formatRecordedAt(new Date('2026-11-28T15:29:48.123+01:00'))).toBe('2026-11-28T14:29:48.123000Z');
    expect(formatRecordedAt(new Date(Date.UTC(2026, 0, 1)))).toBe('2026-01-01T00:00:00.000000Z');
  });
});
