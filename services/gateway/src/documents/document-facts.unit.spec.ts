import { describe, expect, it } from '@jest/globals';
import type { TransmissionEvent } from '@relais/domain';
import { acte, acteAck, eventsOf, idActe, pes, siren } from '@relais/domain/testing';
import { ApiError } from '../errors/api-error.js';
import { acknowledgedActe, documentName, receiptFacts } from './document-facts.js';

const id = 'tr-1';
const e = eventsOf(id);
const sentAt = (event: TransmissionEvent, at: string): TransmissionEvent =>
  event.type === 'TransmissionSent' ? { ...event, data: { ...event.data, at, fileName: `archive-${event.data.attempt}.tar.gz` } } : event;

function refusal(events: readonly TransmissionEvent[]): { status: number; code: string | undefined } {
  try {
    acknowledgedActe(id, events);
  } catch (error) {
    if (error instanceof ApiError) return { status: error.status, code: error.errors[0]?.code };
    throw error;
  }
  throw new Error('no refusal');
}

describe('acknowledgedActe', () => {
  it('dates the sending by the first TransmissionSent and the reception by the AR, naming the archive acknowledged', () => {
    const events = [
      e.received(),
      e.validated(),
      e.routed(),
      sentAt(e.sent(1), '2026-01-05T09:00:00.000Z'),
      e.attemptFailed(1),
      sentAt(e.sent(2), '2026-01-07T09:00:00.000Z'),
      e.acknowledged({ ...acteAck, dateReception: '2026-01-07' }),
      e.cancellationRequested(),
    ];
    expect(acknowledgedActe(id, events)).toEqual({
      transmissionId: id,
      siren,
      acte,
      idActe,
      envoyeLe: '2026-01-05T09:00:00.000Z',
      recuLe: '2026-01-07',
      archive: 'archive-2.tar.gz',
    });
  });

  it('answers 409 DOCUMENT.NOT_ACKNOWLEDGED before the AR, whatever else happened', () => {
    for (const events of [[e.received()], [e.received(), e.validated(), e.routed(), e.sent()], [e.received(), e.validated(), e.routed(), e.sent(), e.nacked()]]) {
      expect(refusal(events)).toEqual({ status: 409, code: 'DOCUMENT.NOT_ACKNOWLEDGED' });
    }
  });

  it('answers 404 DOCUMENT.NOT_AN_ACTE for a PES file', () => {
    expect(refusal([e.received(pes)])).toEqual({ status: 404, code: 'DOCUMENT.NOT_AN_ACTE' });
  });
});

describe('receiptFacts and documentName', () => {
  it('carries the acte’s facts and files, and names files after the IDActe', () => {
    const acknowledged = acknowledgedActe(id, [e.received(), e.validated(), e.routed(), e.sent(), e.acknowledged()]);
    const facts = receiptFacts(acknowledged, 'Dijon', acte.objet);
    expect(facts).toMatchObject({
      collectivite: { nom: 'Dijon', siren },
      idActe,
      numeroInterne: acte.numeroInterne,
      objet: acte.objet,
      nature: 'DE',
      document: { name: 'budget.pdf', sha256: acte.document.sha256 },
      annexes: [],
    });
    expect(receiptFacts(acknowledged, 'Dijon', null).objet).toBeNull();
    expect(documentName(idActe, 'tampon')).toBe(`${idActe}-tampon.pdf`);
    expect(documentName('a/b c', 'x')).toBe('a_b_c-x.pdf');
  });
});
