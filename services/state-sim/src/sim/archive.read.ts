import { ActesImportError, ActesImportErrorCode, type UnpackLimits, readActeArchive } from '@relais/actes';

import { SimError, SimErrorCode } from './sim.errors.js';

/** What the ministry read in a 1-1 `Acte` message, enough to echo it in `ActeRecu`. */
export interface ActeRecu {
  readonly date: string;
  readonly numeroInterne: string;
  readonly codeNatureActe: string;
  /** `CodeMatiere1..5`, in order. */
  readonly codesMatiere: readonly string[];
  readonly objet: string;
  readonly precedentIdActe: string | undefined;
  readonly classificationDateVersion: string;
  readonly document: string;
  readonly annexes: readonly string[];
  readonly documentPapier: string;
}

/** A well-formed 1-1 delivery, as the simulated ministry understood it. */
export interface ActeDelivery {
  readonly archiveName: string;
  readonly siren: string;
  readonly departement: string;
  readonly adressesRetour: readonly string[];
  readonly idActe: string;
  readonly acte: ActeRecu;
}

/** The simulator's own code for each refusal of the shared archive reader. */
const SIM_CODE: Readonly<Record<ActesImportErrorCode, SimErrorCode>> = {
  [ActesImportErrorCode.ArchiveNameInvalid]: SimErrorCode.InvalidArchiveName,
  [ActesImportErrorCode.TooLarge]: SimErrorCode.ArchiveTooLarge,
  [ActesImportErrorCode.NotGzip]: SimErrorCode.NotGzip,
  [ActesImportErrorCode.NotTar]: SimErrorCode.NotTar,
  [ActesImportErrorCode.UnsafeEntryName]: SimErrorCode.UnsafeEntryName,
  [ActesImportErrorCode.UnsupportedEntryType]: SimErrorCode.UnsupportedEntryType,
  [ActesImportErrorCode.TooManyEntries]: SimErrorCode.TooManyEntries,
  [ActesImportErrorCode.DuplicateEntry]: SimErrorCode.DuplicateEntry,
  [ActesImportErrorCode.MissingEnvelope]: SimErrorCode.MissingEnvelope,
  [ActesImportErrorCode.EnvelopeNameMismatch]: SimErrorCode.EnvelopeNameMismatch,
  [ActesImportErrorCode.XmlDoctype]: SimErrorCode.MalformedXml,
  [ActesImportErrorCode.XmlMalformed]: SimErrorCode.MalformedXml,
  [ActesImportErrorCode.InvalidEnvelope]: SimErrorCode.InvalidEnvelope,
  [ActesImportErrorCode.MissingActeMessage]: SimErrorCode.MissingActeMessage,
  [ActesImportErrorCode.InvalidActe]: SimErrorCode.InvalidActe,
  [ActesImportErrorCode.MissingFile]: SimErrorCode.MissingFile,
};

/**
 * Reads a 1-1 delivery as the ministry would, with the archive reader the gateway's import shares
 * (`readActeArchive` of `@relais/actes`: name, safe bounded unpacking, envelope, `Acte`, files named).
 * @throws SimError with a stable code on the first thing that is wrong.
 */
export async function readActeDelivery(archiveName: string, body: Buffer, limits: UnpackLimits): Promise<ActeDelivery> {
  try {
    const archive = await readActeArchive(archiveName, body, limits);
    const { acte } = archive;
    return {
      archiveName,
      siren: archive.siren,
      departement: archive.departement,
      adressesRetour: archive.adressesRetour,
      idActe: archive.idActe,
      acte: {
        date: acte.dateDecision,
        numeroInterne: acte.numeroInterne,
        codeNatureActe: acte.codeNatureActe,
        codesMatiere: acte.codesMatiere,
        objet: acte.objet,
        precedentIdActe: acte.precedentIdActe,
        classificationDateVersion: acte.classificationDateVersion,
        document: acte.document.name,
        annexes: acte.annexes.map((annexe) => annexe.name),
        documentPapier: acte.documentPapier,
      },
    };
  } catch (error) {
    if (error instanceof ActesImportError) throw new SimError(SIM_CODE[error.code], error.message);
    throw error;
  }
}
