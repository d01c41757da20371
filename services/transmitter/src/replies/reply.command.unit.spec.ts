import { describe, expect, it } from '@jest/globals';
import type { ARActeMessage, AnomalieActeMessage, AnomalieEnveloppeMessage, DefereTAMessage, PrefectureLetterMessage } from '@relais/actes';
import { letterDocument } from '@relais/domain/testing';
import {
  acteAnswerCommand,
  cancellationCommand,
  classificationCommand,
  classificationUnchangedCommand,
  envelopeAnomalyCommand,
  letterCommand,
  replyReceiptCommand,
} from './reply.command.js';

const ID_ACTE = '021-212102313-20260104-DEL2026_001-DE';
const at = '2026-01-05T10:00:00.000Z';
const messageId = 'EACT--PREF021-212102313-20260105-7.tar.gz';
const about = { idActe: ID_ACTE, siren: '212102313', numeroInterne: 'DEL2026_001' };

describe('acteAnswerCommand', () => {
  it('records a 1-2 as the acknowledgment under its IDActe, a 1-3 as the refusal with its code and detail', () => {
    const ar: ARActeMessage = { code: '1-2', messageName: `${ID_ACTE}-1-2_0.xml`, ...about, dateReception: '2026-01-05' };
    const anomaly: AnomalieActeMessage = { code: '1-3', messageName: `${ID_ACTE}-1-3_0.xml`, ...about, date: '2026-01-05', nature: '001', detail: 'Pièce illisible' };
    expect(acteAnswerCommand(ar, 't-1', at)).toEqual({
      type: 'RecordAcknowledgment',
      data: { transmissionId: 't-1', at, acknowledgment: { kind: 'acte', idActe: ID_ACTE, dateReception: '2026-01-05' } },
    });
    expect(acteAnswerCommand(anomaly, 't-1', at)).toEqual({
      type: 'RecordNack',
      data: { transmissionId: 't-1', at, source: 'acte_anomaly', reasonCode: '001', detail: 'Pièce illisible' },
    });
  });
});

describe('envelopeAnomalyCommand', () => {
  it('records the refusal of the envelope with its nature and detail', () => {
    const anomaly: AnomalieEnveloppeMessage = {
      code: 'enveloppe',
      messageName: 'ANO_EACT--212102313--20260105-3.xml',
      date: '2026-01-05',
      nature: '002',
      detail: 'Enveloppe illisible',
      siren: '212102313',
      envelopeName: 'EACT--212102313--20260105-3.xml',
    };
    expect(envelopeAnomalyCommand(anomaly, 't-1', at)).toEqual({
      type: 'RecordNack',
      data: { transmissionId: 't-1', at, source: 'envelope_anomaly', reasonCode: '002', detail: 'Enveloppe illisible' },
    });
  });
});

describe('letterCommand', () => {
  const document = { name: `${ID_ACTE}-3-1_1.pdf`, content: Buffer.from('%PDF') };

  it('records a letter under the mailbox message’s id, with its date, its text and its stored documents', () => {
    const letter: PrefectureLetterMessage = {
      code: '3-1',
      messageName: `${ID_ACTE}-3-1_0.xml`,
      ...about,
      dateCourrierPref: '2026-01-10',
      text: 'Merci de transmettre le plan.',
      documents: [document],
    };
    expect(letterCommand(letter, 't-1', at, messageId, [letterDocument])).toEqual({
      type: 'RecordLetter',
      data: {
        transmissionId: 't-1',
        at,
        code: '3-1',
        messageId,
        dateCourrierPref: '2026-01-10',
        text: 'Merci de transmettre le plan.',
        documents: [letterDocument],
      },
    });
  });

  it('gives a 2-1 no text, and a 5-1 its DateDepot and NatureIllegalite', () => {
    const courrier: PrefectureLetterMessage = { code: '2-1', messageName: `${ID_ACTE}-2-1_0.xml`, ...about, dateCourrierPref: '2026-01-10', documents: [document] };
    const defere: DefereTAMessage = {
      code: '5-1',
      messageName: `${ID_ACTE}-5-1_0.xml`,
      ...about,
      dateDepot: '2026-02-01',
      natureIllegalite: 'Incompétence',
      documents: [],
    };
    expect(letterCommand(courrier, 't-1', at, messageId, [letterDocument]).data).toMatchObject({ code: '2-1', dateCourrierPref: '2026-01-10', text: '' });
    expect(letterCommand(defere, 't-1', at, messageId, []).data).toMatchObject({ code: '5-1', dateCourrierPref: '2026-02-01', text: 'Incompétence', documents: [] });
  });
});

describe('the receipts and the classification', () => {
  it('records a 3-5 on the exchange it acknowledges, a 6-2 as the cancellation of its IDActe', () => {
    const receipt = { code: '3-5', messageName: `${ID_ACTE}-3-5_0.xml`, idActe: ID_ACTE, siren: '212102313', dateReception: '2026-01-12', dateCourrierPref: '2026-01-10' } as const;
    expect(replyReceiptCommand(receipt, 't-1', 2, at, messageId)).toEqual({
      type: 'RecordReplyAcknowledgment',
      data: { transmissionId: 't-1', at, exchange: 2, code: '3-5', messageId, dateReception: '2026-01-12' },
    });
    const ar = { code: '6-2', messageName: `${ID_ACTE}-6-2_0.xml`, idActe: ID_ACTE, siren: '212102313', dateReception: '2026-02-01' } as const;
    expect(cancellationCommand(ar, 't-1', at)).toEqual({ type: 'RecordCancellation', data: { transmissionId: 't-1', at, idActe: ID_ACTE } });
  });

  it('records a 7-2 with its stored bytes, a 7-3 as the classification held confirmed', () => {
    const retour = { code: '7-2', messageName: '021-212102313----7-2_0.xml', siren: '212102313', dateClassification: '2026-11-01', xml: Buffer.from('<x/>') } as const;
    expect(classificationCommand(retour, at, messageId, { sha256: 'e'.repeat(64), size: 4 })).toEqual({
      type: 'RecordClassification',
      data: { siren: '212102313', at, dateClassification: '2026-11-01', messageId, sha256: 'e'.repeat(64), size: 4 },
    });
    const same = { code: '7-3', messageName: '021-212102313----7-3_0.xml', siren: '212102313', dateClassification: '2019-03-01' } as const;
    expect(classificationUnchangedCommand(same, at, messageId)).toEqual({
      type: 'RecordClassificationUnchanged',
      data: { siren: '212102313', at, dateClassification: '2019-03-01', messageId },
    });
  });
});
