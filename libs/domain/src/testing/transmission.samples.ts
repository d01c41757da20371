import type {
  ActeAcknowledgment,
  ActeSubmission,
  ErrorDetail,
  FileRef,
  LetterCode,
  OutboundMessageCode,
  PesAcknowledgment,
  PesOutcome,
  PesSubmission,
  ReplyCode,
  ReplyReceiptCode,
  Submission,
} from '../transmission/transmission.values.js';
import type { TransmissionEvent } from '../transmission/transmission.events.js';
import { PersonalField } from '../transmission/transmission.values.js';

/*
 * Sample submissions, answers and events of a transmission, for the tests of the domain and of every
 * layer above it (projections, handlers): one set of realistic values, so that tests agree on them.
 */

export const siren = '212102313';
export const otherSiren = '213105554';
export const at = '2026-01-05T09:00:00.000Z';

export const acte: ActeSubmission = {
  kind: 'acte',
  numeroInterne: 'DEL2026_001',
  dateDecision: '2026-01-04',
  nature: 'DE',
  classification: '7.1',
  objet: 'Budget primitif 2026',
  documentPapier: false,
  document: { sha256: 'a'.repeat(64), size: 182_044, name: 'budget.pdf', mediaType: 'application/pdf' },
  annexes: [],
};

export const pes: PesSubmission = {
  kind: 'pes',
  nomFic: 'PESALR2_21210231300013_260105_001',
  codCol: '001',
  codBud: '01',
  idPost: '021000',
  idColl: '21210231300013',
  file: { sha256: 'b'.repeat(64), size: 40_960, name: 'pes.xml', mediaType: 'application/xml' },
};

export const idActe = '021-212102313-20260104-DEL2026_001-DE';
export const acteAck: ActeAcknowledgment = { kind: 'acte', idActe, dateReception: '2026-01-05' };
export const invalidObjet: ErrorDetail = { code: 'ACTE.OBJET_TOO_LONG', message: 'objet has 612 characters', field: 'objet' };
export const bordereauAccepted: PesOutcome = {
  element: { kind: 'bordereau', exercice: 2026, numBord: '12' },
  accepted: true,
  errors: [],
};
export const pjRefused: PesOutcome = {
  element: { kind: 'pj', idUnique: 'PJ-0042' },
  accepted: false,
  errors: [{ code: 'ERREUR_PJ', message: 'pièce justificative illisible' }],
};
export const pesAck: PesAcknowledgment = { kind: 'pes', outcomes: [bordereauAccepted] };

export const letterDocument: FileRef = { sha256: '1'.repeat(64), size: 2048, name: 'courrier-prefecture.pdf', mediaType: 'application/pdf' };
export const replyDocument: FileRef = { sha256: '2'.repeat(64), size: 4096, name: 'reponse.pdf', mediaType: 'application/pdf' };

/** The events of transmission `id` (of collectivité `ofSiren`), built by name. */
export function eventsOf(id: string, ofSiren = siren) {
  const fact = { transmissionId: id, at };
  return {
    received: (submission: Submission = acte): TransmissionEvent => ({
      type: 'TransmissionReceived',
      data: { ...fact, siren: ofSiren, submission },
    }),
    validated: (): TransmissionEvent => ({ type: 'TransmissionValidated', data: fact }),
    rejected: (errors: readonly ErrorDetail[] = [invalidObjet]): TransmissionEvent => ({
      type: 'TransmissionRejected',
      data: { ...fact, errors },
    }),
    routed: (channel: 'actes' | 'helios' = 'actes'): TransmissionEvent => ({
      type: 'TransmissionRouted',
      data: { ...fact, endpointId: channel === 'actes' ? 'prefecture-021' : 'helios-021000', channel },
    }),
    sent: (attempt = 1): TransmissionEvent => ({
      type: 'TransmissionSent',
      data: { ...fact, attempt, fileName: 'SLO-EACT--212102313--20260105-1.tar.gz', sha256: 'c'.repeat(64) },
    }),
    attemptFailed: (attempt = 1): TransmissionEvent => ({
      type: 'TransmissionDeliveryAttemptFailed',
      data: { ...fact, attempt, retryable: true, reason: 'HTTP 503', nextAttemptAt: '2026-01-05T09:05:00.000Z' },
    }),
    deferred: (until = '2026-01-05T10:00:00.000Z'): TransmissionEvent => ({
      type: 'TransmissionDeliveryDeferred',
      data: { ...fact, until, reason: 'transmission window full' },
    }),
    failed: (attempts = 1): TransmissionEvent => ({
      type: 'TransmissionFailed',
      data: { ...fact, attempts, code: 'DELIVERY.FAILED', reason: 'retry budget spent' },
    }),
    retryRequested: (): TransmissionEvent => ({
      type: 'TransmissionRetryRequested',
      data: { ...fact, requestedBy: 'token-supervisor' },
    }),
    acknowledged: (acknowledgment: ActeAcknowledgment | PesAcknowledgment = acteAck): TransmissionEvent => ({
      type: 'TransmissionAcknowledged',
      data: { ...fact, acknowledgment },
    }),
    nacked: (): TransmissionEvent => ({
      type: 'TransmissionNacked',
      data: { ...fact, source: 'acte_anomaly', reasonCode: '003', detail: 'classification inconnue' },
    }),
    partiallyAccepted: (): TransmissionEvent => ({
      type: 'TransmissionPartiallyAccepted',
      data: { ...fact, outcomes: [bordereauAccepted, pjRefused] },
    }),
    cancellationRequested: (): TransmissionEvent => ({
      type: 'TransmissionCancellationRequested',
      data: { ...fact, requestedBy: 'token-dijon', idActe },
    }),
    cancelled: (): TransmissionEvent => ({ type: 'TransmissionCancelled', data: { ...fact, idActe } }),
    /** A letter of the préfecture opening exchange `exchange` (3-1 by default, with one PDF). */
    letterReceived: (code: LetterCode = '3-1', exchange = 1): TransmissionEvent => ({
      type: 'TransmissionLetterReceived',
      data: {
        ...fact,
        exchange,
        code,
        messageId: `EACT--PREF021-${ofSiren}-20260110-${exchange}.tar.gz`,
        dateCourrierPref: '2026-01-10',
        text: code === '2-1' ? '' : 'Merci de transmettre le plan de financement.',
        documents: [letterDocument],
      },
    }),
    replyRequested: (code: ReplyCode, exchange = 1): TransmissionEvent => ({
      type: 'TransmissionReplyRequested',
      data: {
        ...fact,
        exchange,
        code,
        requestedBy: code === '3-2' || code === '4-2' ? 'relais' : 'token-dijon',
        documents: code === '3-2' || code === '4-2' ? [] : [replyDocument],
      },
    }),
    messageSent: (code: OutboundMessageCode, exchange = 1): TransmissionEvent => ({
      type: 'TransmissionMessageSent',
      data: {
        ...fact,
        code,
        ...(code === '6-1' ? {} : { exchange }),
        fileName: 'SLO-EACT--212102313--20260111-2.tar.gz',
        sha256: 'd'.repeat(64),
      },
    }),
    replyAcknowledged: (code: ReplyReceiptCode = '3-5', exchange = 1): TransmissionEvent => ({
      type: 'TransmissionReplyAcknowledged',
      data: { ...fact, exchange, code, messageId: `EACT--PREF021-${ofSiren}-20260112-9.tar.gz`, dateReception: '2026-01-12' },
    }),
    /** Its personal data shredded at the end of the retention period (the objet only, by default). */
    personalDataShredded: (fields: readonly PersonalField[] = [PersonalField.Objet]): TransmissionEvent => ({
      type: 'PersonalDataShredded',
      data: { ...fact, fields, reason: 'retention period of 3650 days ended', requestedBy: 'relais' },
    }),
  };
}
