import { describe, expect, it } from '@jest/globals';
import { eventSchemas } from '@relais/contracts';
import {
  acknowledged,
  acte,
  acteAck,
  at,
  attemptFailed,
  bordereauAccepted,
  cancellationRequested,
  cancelled,
  deferred,
  failed,
  id,
  invalidObjet,
  later,
  nacked,
  packaged,
  partiallyAccepted,
  pes,
  pjRefused,
  received,
  rejected,
  retryRequested,
  routed,
  sent,
  siren,
  validated,
  withCode,
 letterPdf, letterReceived, messageSent, personalDataShredded, replyAcknowledged, replyPdf, replyRequested } from '../../test/transmission.fixtures.js';
import { TransmissionErrorCode as Code } from './transmission.errors.js';
import type { TransmissionEvent } from './transmission.events.js';
import { fromStored, toStored } from './transmission.wire.js';
import { upcasters } from './transmission.upcasters.js';

const fullActe = {
  ...acte,
  documentPapier: true,
  typePJ: '99_DE',
  classificationDateVersion: '2019-03-01',
  annexes: [
    { file: { sha256: 'e'.repeat(64), size: 1, name: 'plan.png', mediaType: 'image/png' }, typePJ: '22_AG' },
    { file: { sha256: 'f'.repeat(64), size: 0, name: 'vide.pdf', mediaType: 'application/pdf' } },
    {
      file: {
        sha256: '9'.repeat(64),
        size: 10,
        name: 'signee.pdf',
        mediaType: 'application/pdf',
        signature: { sha256: '8'.repeat(64), size: 3, name: 'signee.pdf.p7s', mediaType: 'application/pkcs7-signature' },
      },
    },
  ],
};
const pesWithoutBudget = omit(pes, 'codBud');

function omit<T extends object>(value: T, key: keyof T): T {
  return Object.fromEntries(Object.entries(value).filter(([k]) => k !== key)) as T;
}

/* Every event type, and each optional part both present and absent. */
const samples: TransmissionEvent[] = [
  received(acte),
  received(fullActe),
  received(pes),
  received(pesWithoutBudget),
  validated(),
  rejected([invalidObjet, { code: 'ACTE.NUMERO_INTERNE_DUPLICATE', message: 'déjà utilisé' }]),
  rejected([]),
  routed(),
  routed('helios', 'helios-021000'),
  packaged(),
  deferred(),
  sent(3),
  attemptFailed(2),
  {
    type: 'TransmissionDeliveryAttemptFailed',
    data: { transmissionId: id, at, attempt: 1, retryable: false, reason: 'refused' },
  },
  failed(4),
  retryRequested(),
  acknowledged(acteAck),
  acknowledged({
    kind: 'pes',
    outcomes: [bordereauAccepted, { ...bordereauAccepted, element: { kind: 'pj', idUnique: 'PJ-1' } }],
  }),
  acknowledged({ kind: 'pes', outcomes: [] }),
  nacked(),
  {
    type: 'TransmissionNacked',
    data: { transmissionId: id, at, source: 'envelope_anomaly', reasonCode: '002', detail: 'x' },
  },
  {
    type: 'TransmissionNacked',
    data: { transmissionId: id, at: later, source: 'pes_nack', reasonCode: 'ERREUR_SIRET', detail: 'y' },
  },
  partiallyAccepted(),
  {
    type: 'TransmissionNacked',
    data: { transmissionId: id, at, source: 'pes_nack', reasonCode: 'ERREUR_PJ', detail: 'z', outcomes: [pjRefused] },
  },
  cancellationRequested(),
  cancelled(),
  letterReceived('3-1'),
  letterReceived('5-1', 2),
  { ...letterReceived('2-1', 3), data: { ...letterReceived('2-1', 3).data, text: '', documents: [] } } as TransmissionEvent,
  replyRequested('3-2'),
  replyRequested('3-4', 1, [replyPdf, letterPdf]),
  messageSent('3-4'),
  messageSent('6-1'),
  replyAcknowledged('4-5', 2),
  personalDataShredded(),
  personalDataShredded(['submission.objet', 'letters.text'], 'demande RGPD n° 2031-17', 'token:5b0c'),
  personalDataShredded([]),
];

describe('the wire form of events', () => {
  it.each(samples.map((event, i) => [event.type, i, event] as const))('round-trips %s (sample %i)', (_, __, event) => {
    const stored = toStored(event);
    expect(fromStored(stored.type, stored.data)).toStrictEqual(event);
  });

  it('round-trips through the JSON text the log keeps', () => {
    for (const event of samples) {
      const { type, data } = toStored(event);
      expect(fromStored(type, JSON.parse(JSON.stringify(data)))).toStrictEqual(event);
    }
  });

  it('names each event type by its protobuf message, and covers every one of them (but the versions only read, never written)', () => {
    const types = new Set(samples.map((event) => toStored(event).type));
    const superseded = new Set(upcasters.map((u) => u.from));
    expect(types).toEqual(new Set(eventSchemas.map((schema) => schema.typeName).filter((type) => !superseded.has(type))));
    expect([...superseded].every((type) => eventSchemas.some((schema) => schema.typeName === type))).toBe(true);
    expect(toStored(validated()).type).toBe('relais.transmission.v1.TransmissionValidated');
  });

  it('stores the protobuf JSON form', () => {
    expect(toStored(received(fullActe)).data).toEqual({
      transmissionId: id,
      at: '2026-01-05T09:00:00Z',
      siren,
      acte: {
        numeroInterne: 'DEL2026_001',
        dateDecision: '2026-01-04',
        nature: 'ACTE_NATURE_DE',
        classification: '7.1',
        objet: 'Budget primitif 2026',
        documentPapier: true,
        typePj: '99_DE',
        classificationDateVersion: '2019-03-01',
        document: { sha256: 'a'.repeat(64), size: '182044', name: 'budget.pdf', mediaType: 'application/pdf' },
        annexes: [
          { file: { sha256: 'e'.repeat(64), size: '1', name: 'plan.png', mediaType: 'image/png' }, typePj: '22_AG' },
          { file: { sha256: 'f'.repeat(64), name: 'vide.pdf', mediaType: 'application/pdf' } },
          {
            file: {
              sha256: '9'.repeat(64),
              size: '10',
              name: 'signee.pdf',
              mediaType: 'application/pdf',
              signature: { sha256: '8'.repeat(64), size: '3', name: 'signee.pdf.p7s', mediaType: 'application/pkcs7-signature' },
            },
          },
        ],
      },
    });
    expect(toStored(partiallyAccepted()).data).toEqual({
      transmissionId: id,
      at: '2026-01-05T09:00:00Z',
      outcomes: [
        { bordereau: { exercice: 2026, numBord: '12' }, accepted: true },
        { pjIdUnique: 'PJ-0042', errors: [{ code: 'ERREUR_PJ', message: pjRefused.errors[0]!.message }] },
      ],
    });
  });
});

describe('decoding a stored event', () => {
  const undecodable = withCode(Code.UndecodableEvent);
  const decode = (type: string, data: unknown) => () => fromStored(type, data);
  const refused = (run: () => unknown) => {
    let thrown: unknown;
    try {
      run();
    } catch (error) {
      thrown = error;
    }
    undecodable(thrown);
  };
  const stored = toStored(sent(1));

  it('refuses an unknown type', () => {
    refused(decode('relais.transmission.v1.TransmissionTeleported', stored.data));
    refused(decode('constructor', stored.data));
  });

  it('refuses data that is not the type’s protobuf JSON', () => {
    refused(decode(stored.type, { ...stored.data, colour: 'red' }));
    refused(decode(stored.type, { ...stored.data, attempt: 'first' }));
    refused(decode(stored.type, 'TransmissionSent'));
    refused(decode(stored.type, null));
  });

  it('refuses data that lacks what the domain needs', () => {
    refused(decode(stored.type, omit(stored.data, 'at')));
    refused(decode(stored.type, { ...stored.data, transmissionId: '' }));
    const { acte: acteData, ...receivedFact } = toStored(received(acte)).data;
    refused(decode('relais.transmission.v1.TransmissionReceived', receivedFact));
    const unspecified = { ...(acteData as object), nature: 'ACTE_NATURE_UNSPECIFIED' };
    refused(decode('relais.transmission.v1.TransmissionReceived', { ...receivedFact, acte: unspecified }));
    const routedData = toStored(routed()).data;
    refused(decode('relais.transmission.v1.TransmissionRouted', { ...routedData, channel: 'CHANNEL_UNSPECIFIED' }));
    refused(decode('relais.transmission.v1.TransmissionRouted', { ...routedData, channel: 9 }));
    const fact = { transmissionId: id, at: '2026-01-05T09:00:00Z' };
    refused(decode('relais.transmission.v1.TransmissionAcknowledged', fact));
    const noElement = { ...fact, outcomes: [{ accepted: true }] };
    refused(decode('relais.transmission.v1.TransmissionPartiallyAccepted', noElement));
    const hugeDocument = { document: { sha256: 'a'.repeat(64), size: '9007199254740993', name: 'x', mediaType: 'x' } };
    const huge = { ...receivedFact, acte: { ...(acteData as object), ...hugeDocument } };
    refused(decode('relais.transmission.v1.TransmissionReceived', huge));
  });

  it('keeps the reason as the cause', () => {
    try {
      fromStored(stored.type, { ...stored.data, colour: 'red' });
    } catch (error) {
      expect((error as Error).message).toMatch(/TransmissionSent.*colour/);
      expect((error as Error).cause).toBeInstanceOf(Error);
    }
    expect.assertions(2);
  });
});
