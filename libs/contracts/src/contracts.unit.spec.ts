import { describe, expect, it } from '@jest/globals';
import {
  ActeNature,
  commandRegistry,
  commandSchemas,
  create,
  eventRegistry,
  eventSchemas,
  fromBinary,
  fromJson,
  timestampFromDate,
  toBinary,
  toJson,
  TransmissionReceivedSchema,
} from './index.js';

const received = create(TransmissionReceivedSchema, {
  transmissionId: 'tr-1',
  at: timestampFromDate(new Date('2026-01-05T09:00:00.000Z')),
  siren: '212102313',
  submission: {
    case: 'acte',
    value: {
      numeroInterne: 'DEL2026_001',
      dateDecision: '2026-01-04',
      nature: ActeNature.DE,
      classification: '7.1',
      objet: 'Budget primitif 2026',
      documentPapier: true,
      document: { sha256: 'ab'.repeat(32), size: 1234n, name: 'budget.pdf', mediaType: 'application/pdf' },
      annexes: [
        {
          file: { sha256: 'cd'.repeat(32), size: 99n, name: 'annexe.pdf', mediaType: 'application/pdf' },
          typePj: '99_DE',
        },
      ],
    },
  },
});

describe('contracts', () => {
  it('round-trips an event through its JSON form', () => {
    const json = toJson(TransmissionReceivedSchema, received);
    expect(json).toMatchObject({
      at: '2026-01-05T09:00:00Z',
      acte: { nature: 'ACTE_NATURE_DE', document: { size: '1234' } },
    });
    expect(fromJson(TransmissionReceivedSchema, json)).toEqual(received);
  });

  it('round-trips an event through its binary form', () => {
    expect(fromBinary(TransmissionReceivedSchema, toBinary(TransmissionReceivedSchema, received))).toEqual(received);
  });

  it('refuses JSON with an unknown field', () => {
    expect(() => fromJson(TransmissionReceivedSchema, { transmissionId: 'tr-1', colour: 'red' })).toThrow();
  });

  it('finds every event schema by its type name', () => {
    const names = eventSchemas.map((schema) => schema.typeName);
    expect(names).toContain('relais.transmission.v1.TransmissionReceived');
    expect(names).toContain('relais.transmission.v1.PersonalDataShredded');
    // Every version is read: the v1 TransmissionFailed of old logs beside the v2 that is written now.
    expect(names).toContain('relais.transmission.v1.TransmissionFailed');
    expect(names).toContain('relais.transmission.v2.TransmissionFailed');
    expect(names).toHaveLength(21);
    for (const name of names) expect(eventRegistry.getMessage(name)?.typeName).toBe(name);
    const schema = eventRegistry.getMessage(received.$typeName);
    expect(schema && fromJson(schema, toJson(TransmissionReceivedSchema, received))).toEqual(received);
  });

  it('lists commands apart from events', () => {
    const names = commandSchemas.map((schema) => schema.typeName);
    expect(names).toContain('relais.transmission.v1.SubmitActe');
    expect(names).toContain('relais.transmission.v1.ShredPersonalData');
    expect(names).toHaveLength(20);
    expect(eventRegistry.getMessage('relais.transmission.v1.SubmitActe')).toBeUndefined();
    const submitActe = 'relais.transmission.v1.SubmitActe';
    expect(commandRegistry.getMessage(submitActe)?.typeName).toBe(submitActe);
  });
});
