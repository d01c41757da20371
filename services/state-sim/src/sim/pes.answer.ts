import {
  type DomaineAck,
  type NumAnoAck,
  type PesAckBordereau,
  type PesAckEnTete,
  type PesAckError,
  type PesAllerSummary,
  PesBuildError,
  PesErrorCode,
  pesAcquitXml,
  pesNonAcquitXml,
} from '@relais/pes';
import type { PesDepositEnTete } from './pes.read.js';
import type { Random } from './random.js';

/** The settings the DGFiP reads as it answers a PES_Aller. */
export interface PesAnswerSettings {
  /** Share of files whose PES_Acquit refuses some elements (at least one) and accepts the others (at least one). */
  readonly pesPartialRate: number;
  /** Share of files whose PES_Acquit refuses every element. */
  readonly pesNackRate: number;
  /** Share of files refused as a whole by a PES_NonAcquit. */
  readonly pesNonAcquitRate: number;
  /** The `NumAnoAck` of the simulated refusals; undefined for ERREUR_PJ (PJ), ERREUR_CODIFICATION (bordereau), ERREUR_SIRET (file). */
  readonly pesErrorCode: NumAnoAck | undefined;
}

/** What the DGFiP answers a PES_Aller with: the file's kind and its bytes (ISO-8859-1). */
export interface PesAnswer {
  readonly kind: 'PES_Acquit' | 'PES_NonAcquit';
  readonly content: Buffer;
}

/** What the DGFiP answers: the file's NomFic and header, and what it holds. */
export interface PesAnswered {
  readonly nomFic: string;
  readonly enTete: PesDepositEnTete;
  readonly summary: Pick<PesAllerSummary, 'bordereaux' | 'pjs'>;
}

/** One thing an `ElementACQUIT` gives a verdict on: a bordereau or a PJ. */
interface Subject {
  readonly kind: 'bordereau' | 'pj';
  readonly domaineAck: DomaineAck;
  readonly bordereau?: PesAckBordereau;
  readonly idUnique?: string;
  /** Why the DGFiP refuses it whatever the settings: it cannot be identified, or its content cannot be read. */
  readonly flaw?: PesAckError;
}

/** Printable ISO-8859-1: what a value must be to be written back as it is. */
const LATIN1 = /^[\x20-\x7E\xA0-\xFF]+$/;

/**
 * The DGFiP's answer to an accepted PES_Aller (DOMAIN.md §2.4), drawn from `random` always three
 * times, then once per element when some are refused in part, so that a seed replays the same answers:
 * - at `pesNonAcquitRate`, a PES_NonAcquit refusing the file as a whole;
 * - else a PES_ACQUIT with one `ElementACQUIT` per bordereau (DomaineAck 5 dépense, 6 recette,
 *   NumBord + ExerciceBord) and per PJ (DomaineAck 4, IdUnique), all refused at `pesNackRate`, some
 *   refused at `pesPartialRate` (when there are two elements or more), accepted otherwise; without
 *   `ACQUIT` block when the file has neither bordereau nor PJ.
 * Whatever the settings, a bordereau without a numeric IdBord and Exer, or a PJ without IdUnique, is
 * refused (ERREUR_SCHEMA_INCOMPLET), as is a PJ whose content is not gzip in base64 (ERREUR_PJ).
 */
export function answerPes(file: PesAnswered, settings: PesAnswerSettings, random: Random, day: string): PesAnswer {
  const [whole, nack, partial] = [random(), random(), random()];
  if (whole < settings.pesNonAcquitRate) {
    return nonAcquit(file, day, { code: settings.pesErrorCode ?? 'ERREUR_SIRET', label: 'Fichier refusé (simulation : pesNonAcquitRate).' });
  }
  const subjects = subjectsOf(file.summary);
  const reason = nack < settings.pesNackRate ? 'pesNackRate' : 'pesPartialRate';
  const refused = nack < settings.pesNackRate ? subjects.map(() => true) : partial < settings.pesPartialRate ? someRefused(subjects, random) : subjects.map(() => false);
  const elements = subjects.map((subject, index) => {
    const verdict = subject.flaw ?? (refused[index] === true ? simulatedError(subject, settings, reason) : undefined);
    return {
      domaineAck: subject.domaineAck,
      etatAck: verdict === undefined,
      ...(subject.bordereau === undefined ? {} : { bordereau: subject.bordereau }),
      ...(subject.idUnique === undefined ? {} : { idUnique: subject.idUnique }),
      ...(verdict === undefined ? {} : { errors: [verdict] }),
    };
  });
  const { idPost, codCol } = file.enTete;
  if (!LATIN1.test(idPost) || !LATIN1.test(codCol)) {
    return nonAcquit(file, day, { code: 'ERREUR_ENCODING', label: 'IdPost ou CodCol hors ISO-8859-1.' });
  }
  const enTete: PesAckEnTete = { dteStr: day, idPost, idColl: file.enTete.idColl, codCol, ...optionalHeader(file.enTete) };
  try {
    return { kind: 'PES_Acquit', content: pesAcquitXml({ nomFic: file.nomFic, enTete, elements }) };
  } catch (error) {
    if (!(error instanceof PesBuildError)) throw error;
    const code = error.code === PesErrorCode.BuildNotLatin1 ? 'ERREUR_ENCODING' : 'ERREUR_SCHEMA_INCOMPLET';
    return nonAcquit(file, day, { code, label: `Fichier illisible pour Hélios : ${error.field}.` });
  }
}

function subjectsOf(summary: PesAnswered['summary']): Subject[] {
  const bordereaux = summary.bordereaux.map((bordereau): Subject => {
    const domaineAck = bordereau.domain === 'depense' ? '5' : '6';
    const { idBord, exer } = bordereau;
    if (idBord === undefined || exer === undefined || !/^[0-9]{1,7}$/.test(idBord) || !/^[0-9]{4}$/.test(exer)) {
      return { kind: 'bordereau', domaineAck, flaw: { code: 'ERREUR_SCHEMA_INCOMPLET', label: 'IdBord ou Exer absent ou invalide : bordereau non identifié.' } };
    }
    return { kind: 'bordereau', domaineAck, bordereau: { numBord: idBord, exercice: exer } };
  });
  const pjs = summary.pjs.map((pj): Subject => {
    const { idUnique } = pj;
    if (idUnique === undefined || idUnique.length > 50 || !LATIN1.test(idUnique)) {
      return { kind: 'pj', domaineAck: '4', flaw: { code: 'ERREUR_SCHEMA_INCOMPLET', label: 'IdUnique absent ou invalide : PJ non identifiée.' } };
    }
    if (!pj.contentOk) return { kind: 'pj', domaineAck: '4', idUnique, flaw: { code: 'ERREUR_PJ', label: 'Contenu de la PJ illisible (base64 puis gzip attendus).' } };
    return { kind: 'pj', domaineAck: '4', idUnique };
  });
  return [...bordereaux, ...pjs];
}

/**
 * Which elements a partial acquittal refuses: each one it may refuse with even odds, then at least one
 * refused and one accepted. Refused anyway are the flawed ones; with fewer than two elements, or none
 * without flaw, nothing more is refused.
 */
function someRefused(subjects: readonly Subject[], random: Random): boolean[] {
  const free = subjects.flatMap((subject, index) => (subject.flaw === undefined ? [index] : []));
  const [first, last] = [free[0], free.at(-1)];
  if (subjects.length < 2 || first === undefined || last === undefined) return subjects.map(() => false);
  const refused = subjects.map((subject) => subject.flaw === undefined && random() < 0.5);
  if (!subjects.some((subject, index) => subject.flaw !== undefined || refused[index] === true)) refused[last] = true;
  if (free.every((index) => refused[index] === true)) refused[first] = false;
  return refused;
}

function simulatedError(subject: Subject, settings: PesAnswerSettings, reason: string): PesAckError {
  const code = settings.pesErrorCode ?? (subject.kind === 'pj' ? 'ERREUR_PJ' : 'ERREUR_CODIFICATION');
  return { code, label: `Élément refusé (simulation : ${reason}).` };
}

function optionalHeader(enTete: PesDepositEnTete): { codBud?: string; libelleColBud?: string } {
  const { codBud, libelleColBud } = enTete;
  return {
    ...(codBud !== undefined && LATIN1.test(codBud) ? { codBud } : {}),
    // A label that ISO-8859-1 cannot carry (from a UTF-8 file) is left out rather than refused: it is optional.
    ...(libelleColBud !== undefined && LATIN1.test(libelleColBud) ? { libelleColBud } : {}),
  };
}

function nonAcquit(file: PesAnswered, day: string, error: PesAckError): PesAnswer {
  const { idPost, idColl, codCol } = file.enTete;
  const safe = (value: string): boolean => LATIN1.test(value);
  return {
    kind: 'PES_NonAcquit',
    content: pesNonAcquitXml({
      nomFic: file.nomFic,
      enTete: { dteStr: day, ...(safe(idPost) ? { idPost } : {}), idColl, ...(safe(codCol) ? { codCol } : {}), ...optionalHeader(file.enTete) },
      errors: [error],
    }),
  };
}
