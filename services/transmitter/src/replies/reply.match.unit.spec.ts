import { describe, expect, it } from '@jest/globals';
import type { AnomalieEnveloppeMessage, ARReponseMessage } from '@relais/actes';
import { decideClassification, evolveClassification, initialClassificationState, type ClassificationCommand, type ReplyCode } from '@relais/domain';
import type { ArchiveRecord } from '../archives/archive-registry.js';
import type { CancellationRecord } from '../cancellations/cancellation-registry.js';
import type { MessageRecord } from '../messages/message-registry.js';
import { mediaTypeOf } from './reply.documents.js';
import {
  acteOfIdActe,
  answersAcknowledgedBy,
  classificationAnswerWait,
  envelopeNumber,
  matchActe,
  matchCancellation,
  matchEnvelope,
  matchReplyReceipt,
} from './reply.match.js';

const SIREN = '212102313';
const ID_ACTE = `021-${SIREN}-20260104-DEL2026_001-DE`;
const file = { sha256: 'a'.repeat(64), size: 10 };

function archive(transmissionId: string, numeroInterne: string, number: number): ArchiveRecord {
  return { ...file, fileName: `RLS-EACT--${SIREN}--20260105-${number}.tar.gz`, transmissionId, siren: SIREN, numeroInterne, idActe: ID_ACTE, day: '2026-01-05', number };
}

/** The archive registry's lookups over a list. */
function archives(records: readonly ArchiveRecord[]) {
  return {
    byFileName: (name: string) => Promise.resolve(records.find((r) => r.fileName === name)),
    byActe: (siren: string, numero: string) => Promise.resolve(records.filter((r) => r.siren === siren && r.numeroInterne === numero)),
    byEnvelope: (siren: string, day: string, number: number) => Promise.resolve(records.find((r) => r.siren === siren && r.day === day && r.number === number)),
  };
}

function reply(code: ReplyCode, transmissionId: string, exchange: number, dateCourrierPref: string, number: number): MessageRecord {
  const fileName = `RLS-EACT--${SIREN}--20260111-${number}.tar.gz`;
  return { ...file, kind: 'reply', code, transmissionId, exchange, idActe: ID_ACTE, dateCourrierPref, fileName, siren: SIREN, day: '2026-01-11', number, sentAt: new Date() };
}

function messages(records: readonly MessageRecord[]) {
  return {
    byFileName: (name: string) => Promise.resolve(records.find((r) => r.fileName === name)),
    answersTo: (idActe: string, date: string, codes: readonly ReplyCode[]) =>
      Promise.resolve(records.filter((r) => r.kind === 'reply' && r.idActe === idActe && r.dateCourrierPref === date && codes.includes(r.code))),
  };
}

describe('the names a message gives', () => {
  it('reads the SIREN and numéro interne of an IDActe, the number of an envelope', () => {
    expect(acteOfIdActe(ID_ACTE)).toEqual({ siren: SIREN, numeroInterne: 'DEL2026_001' });
    expect(envelopeNumber(`EACT--${SIREN}--20260105-12.xml`)).toEqual({ siren: SIREN, day: '2026-01-05', number: 12 });
    expect(envelopeNumber(`EACT--PREF021-${SIREN}-20260105-12.xml`)).toBeUndefined();
  });

  it('knows which answers a 3-5 and a 4-5 acknowledge', () => {
    expect(answersAcknowledgedBy('3-5')).toEqual(['3-3', '3-4']);
    expect(answersAcknowledgedBy('4-5')).toEqual(['4-3', '4-4']);
  });

  it('sniffs the media type of a document from its bytes', () => {
    expect(mediaTypeOf(Buffer.from('%PDF-1.7\n%%EOF\n'))).toBe('application/pdf');
    expect(mediaTypeOf(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('image/png');
    expect(mediaTypeOf(Buffer.from('<?xml version="1.0"?><a/>'))).toBe('application/xml');
    expect(mediaTypeOf(Buffer.from('PK\u0003\u0004'))).toBe('application/octet-stream');
  });
});

describe('matchActe', () => {
  const ours = [archive('t-1', 'DEL2026_001', 1), archive('t-2', 'DEL2026_002', 2)];

  it('takes the archive the message answers when it names the same acte, else the acte’s one archive', async () => {
    const acte = { siren: SIREN, numeroInterne: 'DEL2026_001' };
    expect(await matchActe(archives(ours), acte, ours[0]?.fileName)).toMatchObject({ kind: 'matched', found: { transmissionId: 't-1' } });
    expect(await matchActe(archives(ours), acte, undefined)).toMatchObject({ kind: 'matched', found: { transmissionId: 't-1' } });
    expect(await matchActe(archives(ours), acte, 'RLS-EACT--999999999--20260105-1.tar.gz')).toMatchObject({ kind: 'matched' });
  });

  it('matches nothing for another acte’s archive, an acte of nobody’s, or an acte in two archives', async () => {
    expect(await matchActe(archives(ours), { siren: SIREN, numeroInterne: 'DEL2026_001' }, ours[1]?.fileName)).toEqual({
      kind: 'unmatched',
      why: `${ours[1]?.fileName ?? ''} carried ${SIREN}/DEL2026_002, the message names ${SIREN}/DEL2026_001`,
    });
    expect(await matchActe(archives(ours), { siren: '491011698', numeroInterne: 'AUTRE_01' }, undefined)).toEqual({
      kind: 'unmatched',
      why: 'no archive carrying 491011698/AUTRE_01 of ours',
    });
    const twice = [...ours, archive('t-3', 'DEL2026_001', 3)];
    expect(await matchActe(archives(twice), { siren: SIREN, numeroInterne: 'DEL2026_001' }, undefined)).toMatchObject({ kind: 'unmatched' });
  });
});

describe('matchEnvelope', () => {
  const ours = [archive('t-1', 'DEL2026_001', 1), archive('t-2', 'DEL2026_002', 2)];
  const anomaly = (envelopeName: string | undefined, siren = SIREN): AnomalieEnveloppeMessage => ({
    code: 'enveloppe',
    messageName: `ANO_${envelopeName ?? 'x.xml'}`,
    date: '2026-01-05',
    nature: '001',
    detail: '',
    siren,
    envelopeName,
  });

  it('takes the archive it answers, else the one whose envelope it names', async () => {
    expect(await matchEnvelope(archives(ours), anomaly(undefined), ours[1]?.fileName)).toMatchObject({ kind: 'matched', found: { transmissionId: 't-2' } });
    expect(await matchEnvelope(archives(ours), anomaly(`EACT--${SIREN}--20260105-1.xml`), undefined)).toMatchObject({ kind: 'matched', found: { transmissionId: 't-1' } });
  });

  it('matches nothing for an envelope not ours, another SIREN’s, or none named', async () => {
    expect(await matchEnvelope(archives(ours), anomaly(`EACT--${SIREN}--20260105-9.xml`), undefined)).toMatchObject({ kind: 'unmatched' });
    expect(await matchEnvelope(archives(ours), anomaly(undefined, '491011698'), ours[0]?.fileName)).toMatchObject({ kind: 'unmatched' });
    expect(await matchEnvelope(archives(ours), anomaly(undefined), undefined)).toEqual({ kind: 'unmatched', why: 'it names no envelope of ours' });
  });
});

describe('matchReplyReceipt', () => {
  const receipt = (code: '3-5' | '4-5', dateCourrierPref: string): ARReponseMessage => ({
    code,
    messageName: `${ID_ACTE}-${code}_0.xml`,
    idActe: ID_ACTE,
    siren: SIREN,
    dateReception: '2026-01-12',
    dateCourrierPref,
  });
  const sent = [reply('3-2', 't-1', 1, '2026-01-10', 1), reply('3-4', 't-1', 1, '2026-01-10', 2), reply('4-4', 't-1', 2, '2026-01-10', 3)];

  it('takes the answer it acknowledges, else the answer to the letter it quotes', async () => {
    expect(await matchReplyReceipt(messages(sent), receipt('3-5', '2026-01-10'), sent[1]?.fileName)).toMatchObject({ kind: 'matched', found: { exchange: 1, code: '3-4' } });
    expect(await matchReplyReceipt(messages(sent), receipt('3-5', '2026-01-10'), undefined)).toMatchObject({ kind: 'matched', found: { exchange: 1, code: '3-4' } });
    expect(await matchReplyReceipt(messages(sent), receipt('4-5', '2026-01-10'), undefined)).toMatchObject({ kind: 'matched', found: { exchange: 2, code: '4-4' } });
  });

  it('matches nothing for an answer of another kind, or a letter not answered', async () => {
    expect(await matchReplyReceipt(messages(sent), receipt('3-5', '2026-01-10'), sent[0]?.fileName)).toMatchObject({ kind: 'unmatched' });
    expect(await matchReplyReceipt(messages(sent), receipt('3-5', '2026-01-09'), undefined)).toMatchObject({ kind: 'unmatched' });
  });
});

describe('matchCancellation', () => {
  const cancellation = (transmissionId: string, number: number): CancellationRecord => ({
    ...file,
    transmissionId,
    fileName: `RLS-EACT--${SIREN}--20260201-${number}.tar.gz`,
    siren: SIREN,
    idActe: ID_ACTE,
    day: '2026-02-01',
    number,
    sentAt: undefined,
  });

  it('takes the 6-1 it answers, else the one 6-1 of its IDActe', async () => {
    const one = [cancellation('t-1', 1)];
    const two = [...one, cancellation('t-2', 2)];
    const byIdActe = (records: readonly CancellationRecord[]) => ({ byIdActe: (id: string) => Promise.resolve(records.filter((r) => r.idActe === id)) });
    expect(await matchCancellation(byIdActe(one), ID_ACTE, undefined)).toMatchObject({ kind: 'matched', found: { transmissionId: 't-1' } });
    expect(await matchCancellation(byIdActe(two), ID_ACTE, two[1]?.fileName)).toMatchObject({ kind: 'matched', found: { transmissionId: 't-2' } });
    expect(await matchCancellation(byIdActe(two), ID_ACTE, undefined)).toMatchObject({ kind: 'unmatched' });
  });
});

describe('classificationAnswerWait', () => {
  const at = '2026-01-05T09:00:00.000Z';
  const request: Extract<MessageRecord, { kind: 'classification' }> = {
    ...file,
    kind: 'classification',
    code: '7-1',
    requestId: 'r-1',
    fileName: `RLS-EACT--${SIREN}--20260105-4.tar.gz`,
    siren: SIREN,
    day: '2026-01-05',
    number: 4,
    sentAt: undefined,
  };
  const state = (commands: readonly ClassificationCommand[]) =>
    commands.reduce((s, command) => decideClassification(command, s).reduce(evolveClassification, s), initialClassificationState());
  const asked: ClassificationCommand = { type: 'RequestClassification', data: { siren: SIREN, at, requestId: 'r-1', requestedBy: 'token-dijon' } };
  const sent: ClassificationCommand = {
    type: 'RecordClassificationRequestSent',
    data: { siren: SIREN, at, requestId: 'r-1', fileName: request.fileName, sha256: file.sha256 },
  };

  it('lets the answer to a 7-1 recorded as sent through, holds it before, leaves one for another SIREN', () => {
    expect(classificationAnswerWait(state([asked, sent]), request, SIREN)).toBeUndefined();
    expect(classificationAnswerWait(state([asked]), request, SIREN)).toEqual({ kind: 'wait', why: `its 7-1 ${request.fileName} is not recorded as sent yet` });
    expect(classificationAnswerWait(state([asked, sent]), request, '491011698')).toMatchObject({ kind: 'leave' });
    expect(classificationAnswerWait(state([]), request, SIREN)).toMatchObject({ kind: 'leave' });
  });
});
