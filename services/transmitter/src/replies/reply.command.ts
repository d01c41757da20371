import type {
  AnomalieEnveloppeMessage,
  ARActeMessage,
  AnomalieActeMessage,
  ARAnnulationMessage,
  ARReponseMessage,
  DefereTAMessage,
  PrefectureLetterMessage,
  ReponseClassificationSansChangementMessage,
  RetourClassificationMessage,
} from '@relais/actes';
import type {
  ClassificationCommand,
  FileRef,
  RecordAcknowledgment,
  RecordCancellation,
  RecordLetter,
  RecordNack,
  RecordReplyAcknowledgment,
} from '@relais/domain';

type RecordClassification = Extract<ClassificationCommand, { type: 'RecordClassification' }>;
type RecordClassificationUnchanged = Extract<ClassificationCommand, { type: 'RecordClassificationUnchanged' }>;

/*
 * The command each préfecture message means, once matched: pure functions of the message read, the
 * transmission (or collectivité) it concerns, and the instant it was observed.
 */

/** A 1-2 is the acte's acknowledgment under its IDActe; a 1-3 its refusal with the anomaly's code. */
export function acteAnswerCommand(message: ARActeMessage | AnomalieActeMessage, transmissionId: string, at: string): RecordAcknowledgment | RecordNack {
  switch (message.code) {
    case '1-2':
      return {
        type: 'RecordAcknowledgment',
        data: { transmissionId, at, acknowledgment: { kind: 'acte', idActe: message.idActe, dateReception: message.dateReception } },
      };
    case '1-3':
      return { type: 'RecordNack', data: { transmissionId, at, source: 'acte_anomaly', reasonCode: message.nature, detail: message.detail } };
    default: {
      const unknown: never = message;
      throw new Error(`Unknown answer to an acte ${JSON.stringify(unknown)}`);
    }
  }
}

/** An AnomalieEnveloppe refuses the acte its archive carried. */
export function envelopeAnomalyCommand(message: AnomalieEnveloppeMessage, transmissionId: string, at: string): RecordNack {
  return { type: 'RecordNack', data: { transmissionId, at, source: 'envelope_anomaly', reasonCode: message.nature, detail: message.detail } };
}

/**
 * A letter opens an exchange: its date (`DateCourrierPref`; a déféré's `DateDepot`), its text
 * (`DescriptionPieces`, `Motif`, `NatureIllegalite`; none for a 2-1), its documents as stored.
 * `messageId` names the préfecture's message for good: read twice, it is recorded once.
 */
export function letterCommand(
  message: PrefectureLetterMessage | DefereTAMessage,
  transmissionId: string,
  at: string,
  messageId: string,
  documents: readonly FileRef[],
): RecordLetter {
  const { code } = message;
  const dated =
    code === '5-1' ? { dateCourrierPref: message.dateDepot, text: message.natureIllegalite } : { dateCourrierPref: message.dateCourrierPref, text: message.text ?? '' };
  return { type: 'RecordLetter', data: { transmissionId, at, code, messageId, ...dated, documents } };
}

/** A 3-5 / 4-5 acknowledges the collectivité's answer in exchange `exchange`. */
export function replyReceiptCommand(
  message: ARReponseMessage,
  transmissionId: string,
  exchange: number,
  at: string,
  messageId: string,
): RecordReplyAcknowledgment {
  return { type: 'RecordReplyAcknowledgment', data: { transmissionId, at, exchange, code: message.code, messageId, dateReception: message.dateReception } };
}

/** A 6-2 acknowledges the 6-1 of the acte it names: the acte is cancelled. */
export function cancellationCommand(message: ARAnnulationMessage, transmissionId: string, at: string): RecordCancellation {
  return { type: 'RecordCancellation', data: { transmissionId, at, idActe: message.idActe } };
}

/** A 7-2 is the collectivité's classification from now on; its bytes are stored as `stored`. */
export function classificationCommand(
  message: RetourClassificationMessage,
  at: string,
  messageId: string,
  stored: { readonly sha256: string; readonly size: number },
): RecordClassification {
  const { siren, dateClassification } = message;
  return { type: 'RecordClassification', data: { siren, at, dateClassification, messageId, sha256: stored.sha256, size: stored.size } };
}

/** A 7-3 confirms the classification the collectivité holds. */
export function classificationUnchangedCommand(message: ReponseClassificationSansChangementMessage, at: string, messageId: string): RecordClassificationUnchanged {
  const { siren, dateClassification } = message;
  return { type: 'RecordClassificationUnchanged', data: { siren, at, dateClassification, messageId } };
}
