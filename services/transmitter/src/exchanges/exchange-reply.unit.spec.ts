import { describe, expect, it } from '@jest/globals';
import { buildReplyArchive, unpackArchive } from '@relais/actes';
import { evolve, initialState, type Transmission, type TransmissionEvent } from '@relais/domain';
import { eventsOf, idActe, replyDocument } from '@relais/domain/testing';
import { replyArchiveInput, replyPlan } from './exchange-reply.js';

const e = eventsOf('t-1');
const acknowledged = [e.received(), e.validated(), e.routed(), e.sent(), e.acknowledged()];

function fold(events: readonly TransmissionEvent[]): Transmission {
  const state = events.reduce(evolve, initialState());
  if (state.status === 'none') throw new Error('no transmission');
  return state;
}

describe('replyPlan', () => {
  it('sends an answer asked and not sent, with the IDActe of the AR and the letter it answers', () => {
    const plan = replyPlan(fold([...acknowledged, e.letterReceived('3-1'), e.replyRequested('3-2')]), 1, '3-2');
    expect(plan).toMatchObject({ kind: 'send', idActe, exchange: { number: 1, dateCourrierPref: '2026-01-10' }, reply: { code: '3-2', documents: [] } });
  });

  it('does nothing for an answer the log says sent', () => {
    const t = fold([...acknowledged, e.letterReceived('3-1'), e.replyRequested('3-2'), e.messageSent('3-2')]);
    expect(replyPlan(t, 1, '3-2')).toEqual({ kind: 'sent' });
  });

  it('finds nothing to send for an exchange or an answer the log does not hold', () => {
    const t = fold([...acknowledged, e.letterReceived('3-1'), e.replyRequested('3-2')]);
    expect(replyPlan(t, 2, '3-2')).toEqual({ kind: 'impossible', why: 'transmission t-1 has no exchange 2' });
    expect(replyPlan(t, 1, '3-4')).toEqual({ kind: 'impossible', why: 'no 3-4 was asked in exchange 1 of transmission t-1' });
  });
});

describe('replyArchiveInput', () => {
  const collectivite = { siren: '212102313', departement: '021', arrondissement: '1', nature: '31' };
  const settings = { operatorTrigram: 'RLS', returnAddress: 'actes-retour@relais.example.org' };

  it('builds the answer under the acte’s IDActe and the letter’s date, each document named by its type', async () => {
    const archive = await buildReplyArchive(
      replyArchiveInput({
        collectivite,
        idActe,
        dateCourrierPref: '2026-01-10',
        code: '3-4',
        documents: [
          { file: replyDocument, content: Buffer.from('%PDF-1.7\n%%EOF\n') },
          { file: { ...replyDocument, name: 'plan.png', mediaType: 'image/png' }, content: Buffer.from([0x89, 0x50, 0x4e, 0x47]) },
        ],
        dateEnvoi: '2026-01-11',
        sequence: 4,
        settings,
      }),
    );
    expect(archive.name).toBe('RLS-EACT--212102313--20260111-4.tar.gz');
    expect(archive.files.map((file) => file.name)).toEqual([
      'EACT--212102313--20260111-4.xml',
      `${idActe}-3-4_0.xml`,
      `${idActe}-3-4_1.pdf`,
      `${idActe}-3-4_2.png`,
    ]);
    const files = await unpackArchive(archive.bytes, { maxInflatedBytes: 1 << 20, maxEntries: 10 });
    const message = files.find((file) => file.name === `${idActe}-3-4_0.xml`)?.content.toString('latin1') ?? '';
    expect(message).toContain(`actes:IDActe="${idActe}" actes:DateCourrierPref="2026-01-10"`);
  });

  it('refuses a document @ctes does not carry, with a stable code', () => {
    const parts = {
      collectivite,
      idActe,
      dateCourrierPref: '2026-01-10',
      code: '2-2' as const,
      documents: [{ file: { ...replyDocument, name: 'reponse.docx', mediaType: 'application/msword' }, content: Buffer.from('PK') }],
      dateEnvoi: '2026-01-11',
      sequence: 1,
      settings,
    };
    expect(() => replyArchiveInput(parts)).toThrow(expect.objectContaining({ code: 'TRANSMITTER.FILE_TYPE_UNSUPPORTED' }));
  });
});
