import type { ErrorDetail, PesOutcome, RecordAcknowledgment, RecordNack, RecordPartialAcceptance } from '@relais/domain';
import { acquitOutcome, type PesAckError, type PesAcquit, type PesAcquitElement, type PesNonAcquit } from '@relais/pes';

/*
 * The command each DGFiP acquittal means, once matched to its transmission: pure functions of the file
 * read, the transmission and the instant it was observed (DOMAIN.md §2.4, API.md statuses).
 */

/** The code of an anomaly the DGFiP gave without `NumAnoAck`, and of a refusal that carries none at all. */
export const PES_ANOMALY_WITHOUT_CODE = 'TRANSMITTER.PES_ANOMALY_WITHOUT_CODE';

/** Longest refusal detail recorded: an acquittal may list thousands of anomalies, the log keeps the start. */
export const MAX_NACK_DETAIL_CHARS = 4000;

/** An acquittal Relais cannot turn into outcomes (an element naming neither a bordereau nor a PJ, say). */
export class PesAcquitUnusableError extends Error {
  override readonly name = 'PesAcquitUnusableError';
  readonly code = 'TRANSMITTER.PES_ACQUIT_UNUSABLE';
}

/**
 * The outcome of one `ElementACQUIT`: its bordereau (`ExerciceBord`, `NumBord`) or its PJ (`IdUnique`),
 * its verdict, and every anomaly it lists (the element's, then each pièce's, then each line's), the
 * pièce and line named in `field` (`piece:1002`, `piece:1002/ligne:2`).
 * @throws PesAcquitUnusableError for an element naming neither a bordereau nor a PJ, or a non-numeric exercice
 */
export function pesOutcomeOf(element: PesAcquitElement): PesOutcome {
  return { element: elementOf(element), accepted: element.etatAck, errors: anomaliesOf(element) };
}

function elementOf(element: PesAcquitElement): PesOutcome['element'] {
  if (element.bordereau !== undefined) {
    const { exercice, numBord } = element.bordereau;
    if (!/^[0-9]{1,9}$/.test(exercice)) throw new PesAcquitUnusableError(`ExerciceBord « ${exercice} » of bordereau ${numBord} is not a year`);
    return { kind: 'bordereau', exercice: Number(exercice), numBord };
  }
  if (element.idUnique !== undefined) return { kind: 'pj', idUnique: element.idUnique };
  throw new PesAcquitUnusableError('an ElementACQUIT names neither a bordereau (NumBord, ExerciceBord) nor a PJ (IdUnique)');
}

function anomaliesOf(element: PesAcquitElement): ErrorDetail[] {
  const found = element.errors.map((error) => detailOf(error));
  for (const piece of element.pieces) {
    const where = `piece:${piece.numPiece}`;
    found.push(...piece.errors.map((error) => detailOf(error, where)));
    for (const ligne of piece.lignes) found.push(...ligne.errors.map((error) => detailOf(error, `${where}/ligne:${ligne.numLigne}`)));
  }
  return found;
}

function detailOf(error: PesAckError, field?: string): ErrorDetail {
  const code = error.code ?? PES_ANOMALY_WITHOUT_CODE;
  return { code, message: error.label ?? code, ...(field === undefined ? {} : { field }) };
}

/**
 * What a PES_ACQUIT means for its transmission (`acquitOutcome`): every element accepted (or no ACQUIT
 * block) is the acknowledgment with each element's outcome; some refused is a partial acceptance; all
 * refused is the refusal of the file, under the first anomaly's code, every anomaly in the detail.
 * @throws PesAcquitUnusableError as {@link pesOutcomeOf}
 */
export function acquitCommand(acquit: PesAcquit, transmissionId: string, at: string): RecordAcknowledgment | RecordPartialAcceptance | RecordNack {
  const outcomes = acquit.elements.map(pesOutcomeOf);
  const verdict = acquitOutcome(acquit);
  switch (verdict) {
    case 'acknowledged':
      return { type: 'RecordAcknowledgment', data: { transmissionId, at, acknowledgment: { kind: 'pes', outcomes } } };
    case 'partially_accepted':
      return { type: 'RecordPartialAcceptance', data: { transmissionId, at, outcomes } };
    case 'nacked': {
      const refusals = outcomes.flatMap((outcome) => outcome.errors.map((error) => ({ error, of: elementName(outcome.element) })));
      const detail = refusals.map(({ error, of }) => `${of}${error.field === undefined ? '' : ` ${error.field}`}: ${error.code} ${error.message}`);
      return nack(transmissionId, at, refusals[0]?.error.code, detail.length > 0 ? detail : ['PES_ACQUIT refusing every element, without anomaly'], outcomes);
    }
    default: {
      const unknown: never = verdict;
      throw new Error(`Unknown acquittal outcome ${String(unknown)}`);
    }
  }
}

/** A PES_NonAcquit refuses the file as a whole: its first anomaly's code, every anomaly in the detail. */
export function nonAcquitCommand(nonAcquit: PesNonAcquit, transmissionId: string, at: string): RecordNack {
  const errors = nonAcquit.errors.map((error) => detailOf(error));
  const detail = errors.map((error) => `${error.code} ${error.message}`);
  return nack(transmissionId, at, errors[0]?.code, detail.length > 0 ? detail : ['PES_NonAcquit without anomaly']);
}

function nack(transmissionId: string, at: string, code: string | undefined, lines: readonly string[], outcomes: readonly PesOutcome[] = []): RecordNack {
  const joined = lines.join('; ');
  const detail = joined.length > MAX_NACK_DETAIL_CHARS ? `${joined.slice(0, MAX_NACK_DETAIL_CHARS - 1)}…` : joined;
  const detailed = outcomes.length === 0 ? {} : { outcomes };
  return { type: 'RecordNack', data: { transmissionId, at, source: 'pes_nack', reasonCode: code ?? PES_ANOMALY_WITHOUT_CODE, detail, ...detailed } };
}

function elementName(element: PesOutcome['element']): string {
  return element.kind === 'bordereau' ? `bordereau ${element.numBord} (${element.exercice})` : `PJ ${element.idUnique}`;
}
