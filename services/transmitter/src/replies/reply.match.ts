import { NOM_ENVELOPPE_REGEX, type AnomalieEnveloppeMessage, type ARReponseMessage } from '@relais/actes';
import { letterRules, type ClassificationState, type ReplyCode, type ReplyReceiptCode } from '@relais/domain';
import type { ArchiveRecord, ArchiveRegistry } from '../archives/archive-registry.js';
import type { CancellationRecord, CancellationRegistry } from '../cancellations/cancellation-registry.js';
import type { MessageRecord, MessageRegistry } from '../messages/message-registry.js';

/*
 * Which of our archives a préfecture message answers. The mailbox's `receivedFor` (the archive it
 * answers) is tried first, checked against what the message names; else what the message names is
 * looked up: the acte's SIREN and numéro interne (unique per collectivité), the refused envelope's
 * number, the letter an answer quoted. The registries are passed in, so any lookup works.
 */

/** A match, or why there is none. */
export type Match<T> = { readonly kind: 'matched'; readonly found: T } | { readonly kind: 'unmatched'; readonly why: string };

/** An acte as the préfecture names it: by SIREN and numéro interne. */
export interface ActeRef {
  readonly siren: string;
  readonly numeroInterne: string;
}

/** The SIREN and numéro interne of an IDActe `DPT-SIREN-YYYYMMDD-NUMERO-NAT`. */
export function acteOfIdActe(idActe: string): ActeRef {
  const [, siren = '', , numeroInterne = ''] = idActe.split('-');
  return { siren, numeroInterne };
}

const ENVELOPE_PARTS = /^EACT--([0-9]{9})--([0-9]{4})([0-9]{2})([0-9]{2})-([0-9]+)\.xml$/;

/** The SIREN, day (`YYYY-MM-DD`) and number of a collectivité → ministry envelope name `EACT--SIREN--YYYYMMDD-N.xml`. */
export function envelopeNumber(envelopeName: string): { readonly siren: string; readonly day: string; readonly number: number } | undefined {
  const parts = NOM_ENVELOPPE_REGEX.test(envelopeName) ? ENVELOPE_PARTS.exec(envelopeName) : null;
  if (parts === null) return undefined;
  const [, siren = '', year = '', month = '', day = '', number = ''] = parts;
  return { siren, day: `${year}-${month}-${day}`, number: Number(number) };
}

/** The answers of the collectivité a 3-5 or 4-5 acknowledges: 3-3 / 3-4, 4-3 / 4-4. */
export function answersAcknowledgedBy(code: ReplyReceiptCode): readonly ReplyCode[] {
  return Object.values(letterRules).flatMap((rules) => (rules.replyReceipt === code ? rules.replies : []));
}

function one<T>(candidates: readonly T[], what: string): Match<T> {
  const [only] = candidates;
  if (only !== undefined && candidates.length === 1) return { kind: 'matched', found: only };
  return { kind: 'unmatched', why: candidates.length === 0 ? `no ${what} of ours` : `${candidates.length} ${what}s of ours` };
}

/** The archive of the acte an answer (1-2, 1-3) or a letter (2-1 … 5-1) is about. */
export async function matchActe(
  archives: Pick<ArchiveRegistry, 'byFileName' | 'byActe'>,
  acte: ActeRef,
  receivedFor: string | undefined,
): Promise<Match<ArchiveRecord>> {
  if (receivedFor !== undefined) {
    const archive = await archives.byFileName(receivedFor);
    if (archive !== undefined) {
      if (archive.siren === acte.siren && archive.numeroInterne === acte.numeroInterne) return { kind: 'matched', found: archive };
      return { kind: 'unmatched', why: `${receivedFor} carried ${archive.siren}/${archive.numeroInterne}, the message names ${acte.siren}/${acte.numeroInterne}` };
    }
  }
  return one(await archives.byActe(acte.siren, acte.numeroInterne), `archive carrying ${acte.siren}/${acte.numeroInterne}`);
}

/** The archive whose envelope an AnomalieEnveloppe refuses: the one it answers, else the one its file names. */
export async function matchEnvelope(
  archives: Pick<ArchiveRegistry, 'byFileName' | 'byEnvelope'>,
  message: AnomalieEnveloppeMessage,
  receivedFor: string | undefined,
): Promise<Match<ArchiveRecord>> {
  const bySiren = (archive: ArchiveRecord | undefined, name: string): Match<ArchiveRecord> => {
    if (archive === undefined) return { kind: 'unmatched', why: `${name} is none of our acte archives` };
    if (archive.siren !== message.siren) return { kind: 'unmatched', why: `${name} was sent for ${archive.siren}, the anomaly names ${message.siren}` };
    return { kind: 'matched', found: archive };
  };
  if (receivedFor !== undefined) return bySiren(await archives.byFileName(receivedFor), receivedFor);
  const envelope = message.envelopeName === undefined ? undefined : envelopeNumber(message.envelopeName);
  if (message.envelopeName === undefined || envelope === undefined) return { kind: 'unmatched', why: 'it names no envelope of ours' };
  return bySiren(await archives.byEnvelope(envelope.siren, envelope.day, envelope.number), message.envelopeName);
}

/** The answer a 3-5 / 4-5 acknowledges: the archive it answers, else the answer to the letter it quotes (IDActe, DateCourrierPref). */
export async function matchReplyReceipt(
  messages: Pick<MessageRegistry, 'byFileName' | 'answersTo'>,
  message: ARReponseMessage,
  receivedFor: string | undefined,
): Promise<Match<Extract<MessageRecord, { kind: 'reply' }>>> {
  const answers = answersAcknowledgedBy(message.code);
  const fits = (record: MessageRecord | undefined): record is Extract<MessageRecord, { kind: 'reply' }> =>
    record?.kind === 'reply' && answers.includes(record.code) && record.idActe === message.idActe;
  if (receivedFor !== undefined) {
    const record = await messages.byFileName(receivedFor);
    if (fits(record)) return { kind: 'matched', found: record };
    if (record !== undefined) return { kind: 'unmatched', why: `${receivedFor} is our ${record.code}, which a ${message.code} about ${message.idActe} does not acknowledge` };
  }
  const candidates = (await messages.answersTo(message.idActe, message.dateCourrierPref, answers)).filter(fits);
  return one(candidates, `${answers.join('/')} answering the letter of ${message.dateCourrierPref} about ${message.idActe}`);
}

/** The 6-1 a 6-2 acknowledges: the one it answers, else the one of its IDActe. */
export async function matchCancellation(
  cancellations: Pick<CancellationRegistry, 'byIdActe'>,
  idActe: string,
  receivedFor: string | undefined,
): Promise<Match<CancellationRecord>> {
  const candidates = await cancellations.byIdActe(idActe);
  const named = receivedFor === undefined ? undefined : candidates.find((candidate) => candidate.fileName === receivedFor);
  return named === undefined ? one(candidates, `6-1 for ${idActe}`) : { kind: 'matched', found: named };
}

/**
 * Whether a 7-2 / 7-3 for `siren` that answers our 7-1 `request` must wait: the domain ties an answer
 * to the oldest request recorded as sent, so an answer read before its 7-1 is recorded as sent (the
 * answer to an attempt that timed out, say) waits for that record. One for another SIREN is left.
 */
export function classificationAnswerWait(
  state: ClassificationState,
  request: Extract<MessageRecord, { kind: 'classification' }>,
  siren: string,
): { readonly kind: 'wait' | 'leave'; readonly why: string } | undefined {
  if (request.siren !== siren) return { kind: 'leave', why: `${request.fileName} was the 7-1 of ${request.siren}, the answer is for ${siren}` };
  const asked = state.requests.find((r) => r.id === request.requestId);
  if (asked === undefined) return { kind: 'leave', why: `${request.fileName} was sent for request ${request.requestId}, which ${siren}'s stream does not hold` };
  if (asked.sent === undefined) return { kind: 'wait', why: `its 7-1 ${request.fileName} is not recorded as sent yet` };
  return undefined;
}
