import type { ActeSubmission, TransmissionEvent } from '@relais/domain';
import type { ReceiptFacts, StampFacts } from '@relais/stamp';
import { ApiError } from '../errors/api-error.js';

/** The stable codes of the documents' calls. */
export const DocumentErrorCode = {
  /** The préfecture has not acknowledged the acte (no 1-2 ARActe yet): nothing to stamp. */
  NotAcknowledged: 'DOCUMENT.NOT_ACKNOWLEDGED',
  /** A PES file: the stamp and the bordereau are an acte's. */
  NotAnActe: 'DOCUMENT.NOT_AN_ACTE',
} as const;

/** An acte the préfecture acknowledged, with what its documents print. */
export interface AcknowledgedActe {
  readonly transmissionId: string;
  readonly siren: string;
  readonly acte: ActeSubmission;
  readonly idActe: string;
  /** The instant of the first TransmissionSent. */
  readonly envoyeLe: string;
  /** The AR's DateReception, `YYYY-MM-DD`. */
  readonly recuLe: string;
  /** The archive the acknowledged delivery carried (the last one sent before the AR). */
  readonly archive: string;
}

/**
 * What a transmission's events (in stream order) say about its acknowledged acte: "Envoyé le" is the
 * first TransmissionSent's instant, "Reçu le" the AR's DateReception. A PES file is
 * `DOCUMENT.NOT_AN_ACTE` (404); an acte the préfecture has not acknowledged (or acknowledged without
 * a delivery on record) `DOCUMENT.NOT_ACKNOWLEDGED` (409). The history goes on after the AR (courriers,
 * annulation): the documents keep stating the AR. Pure.
 */
export function acknowledgedActe(id: string, events: readonly TransmissionEvent[]): AcknowledgedActe {
  const received = events.find((event) => event.type === 'TransmissionReceived');
  if (received === undefined) throw new Error(`Transmission ${id} has no TransmissionReceived`);
  const { siren, submission } = received.data;
  if (submission.kind !== 'acte') {
    throw ApiError.of(404, DocumentErrorCode.NotAnActe, `Transmission ${id} is a PES file: only an acte has a stamp and a bordereau`);
  }
  const ackIndex = events.findIndex((event) => event.type === 'TransmissionAcknowledged' && event.data.acknowledgment.kind === 'acte');
  const ack = events[ackIndex];
  const sent = events.slice(0, Math.max(0, ackIndex)).flatMap((event) => (event.type === 'TransmissionSent' ? [event.data] : []));
  const [first] = sent;
  const last = sent[sent.length - 1];
  if (ack?.type !== 'TransmissionAcknowledged' || ack.data.acknowledgment.kind !== 'acte' || first === undefined || last === undefined) {
    throw ApiError.of(409, DocumentErrorCode.NotAcknowledged, `The préfecture has not acknowledged transmission ${id} yet`);
  }
  return {
    transmissionId: id,
    siren,
    acte: submission,
    idActe: ack.data.acknowledgment.idActe,
    envoyeLe: first.at,
    recuLe: ack.data.acknowledgment.dateReception,
    archive: last.fileName,
  };
}

/** The stamp's three facts. Pure. */
export function stampFacts(acte: AcknowledgedActe): StampFacts {
  return { envoyeLe: acte.envoyeLe, recuLe: acte.recuLe, idActe: acte.idActe };
}

/**
 * The bordereau's facts; `nom` is the collectivité's registered name (empty if unknown), `objet` the
 * acte's objet in clear, or null once the transmission's personal data were shredded. Pure.
 */
export function receiptFacts(acte: AcknowledgedActe, nom: string, objet: string | null): ReceiptFacts {
  return {
    collectivite: { nom, siren: acte.siren },
    idActe: acte.idActe,
    numeroInterne: acte.acte.numeroInterne,
    nature: acte.acte.nature,
    classification: acte.acte.classification,
    objet,
    dateDecision: acte.acte.dateDecision,
    envoyeLe: acte.envoyeLe,
    recuLe: acte.recuLe,
    archive: acte.archive,
    document: { name: acte.acte.document.name, sha256: acte.acte.document.sha256 },
    annexes: acte.acte.annexes.map((annexe) => ({ name: annexe.file.name, sha256: annexe.file.sha256 })),
    transmissionId: acte.transmissionId,
  };
}

/** `<IDActe>-<suffix>.pdf`, the IDActe's characters outside a file name's safe set replaced. Pure. */
export function documentName(idActe: string, suffix: string): string {
  return `${idActe.replace(/[^A-Za-z0-9_.-]/g, '_')}-${suffix}.pdf`;
}
