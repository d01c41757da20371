import { defaultTypePJ, natureFromInput, type ActeArchiveInput, type ActeDocument, type ActeFileExtension } from '@relais/actes';
import type { ActeSubmission, FileRef } from '@relais/domain';
import type { Collectivite } from '@relais/service-kit';
import { PackagingError, PackagingErrorCode } from './packaging.errors.js';

/** What the operator writes in every envelope. */
export interface EnvelopeSettings {
  readonly operatorTrigram: string;
  readonly returnAddress: string;
  /** `DateClassification` of the platform's default classification, `YYYY-MM-DD`. */
  readonly classificationDate: string;
}

/** Everything one archive is made of: the acte, its sender, its files' bytes and the envelope's numbering. */
export interface ArchiveParts {
  readonly acte: ActeSubmission;
  readonly collectivite: Pick<Collectivite, 'siren' | 'departement' | 'arrondissement' | 'nature'>;
  /** The main document's bytes. */
  readonly document: Uint8Array;
  /** The annexes' bytes, in the submission's order. */
  readonly annexes: readonly Uint8Array[];
  /** The detached signatures (DER) of the document and of the annexes (by position), where they came signed. */
  readonly signatures?: { readonly document?: Uint8Array | undefined; readonly annexes: readonly (Uint8Array | undefined)[] };
  /** `YYYY-MM-DD`. */
  readonly dateEnvoi: string;
  readonly sequence: number;
  readonly settings: EnvelopeSettings;
  /** `DateClassification` of the collectivité's current classification (its last 7-2), if it received one. */
  readonly currentClassification?: string | undefined;
}

/**
 * The `ClassificationDateVersion` a 1-1 declares: the one its imported archive declared (re-packed, it
 * says what the collectivité sent), else the date of the collectivité's last 7-2, else the platform
 * default's.
 */
export function classificationDateVersion(acte: ActeSubmission, current: string | undefined, platformDefault: string): string {
  return acte.classificationDateVersion ?? current ?? platformDefault;
}

const EXTENSION_BY_MEDIA_TYPE: Readonly<Record<string, ActeFileExtension>> = {
  'application/pdf': 'pdf',
  'application/xml': 'xml',
  'text/xml': 'xml',
  'image/png': 'png',
  'image/jpeg': 'jpg',
};

const EXTENSION_BY_SUFFIX: Readonly<Record<string, ActeFileExtension>> = {
  pdf: 'pdf',
  xml: 'xml',
  png: 'png',
  jpg: 'jpg',
  jpeg: 'jpg',
};

/** The extension a file keeps in its conventional name: from its media type, else from its name. */
export function fileExtension(file: FileRef): ActeFileExtension {
  const byType = EXTENSION_BY_MEDIA_TYPE[file.mediaType.split(';')[0]?.trim().toLowerCase() ?? ''];
  if (byType !== undefined) return byType;
  const suffix = /\.([A-Za-z]+)$/.exec(file.name)?.[1]?.toLowerCase();
  const bySuffix = suffix === undefined ? undefined : EXTENSION_BY_SUFFIX[suffix];
  if (bySuffix !== undefined) return bySuffix;
  throw new PackagingError(
    PackagingErrorCode.FileTypeUnsupported,
    `${file.name} (${file.mediaType}) is not a PDF, XML, PNG or JPEG file`,
  );
}

/**
 * The input of `buildActeArchive` for one acte: the collectivité's registration as sender, the
 * submission's metadata, each file under its piece type (the nature's generic one when the
 * collectivité gave none, as validation assumed), the operator's envelope settings.
 */
export function archiveInput(parts: ArchiveParts): ActeArchiveInput {
  const { acte, collectivite, settings } = parts;
  const nature = natureFromInput(acte.nature);
  if (nature === undefined) throw new PackagingError('ACTES.INVALID_NATURE_ACTE', `unknown nature ${acte.nature}`);
  const generic = defaultTypePJ(nature.abbreviation);
  const document: ActeDocument = {
    extension: fileExtension(acte.document),
    codeTypePJ: acte.typePJ ?? generic,
    content: parts.document,
    signature: parts.signatures?.document,
  };
  if (parts.annexes.length !== acte.annexes.length) {
    throw new Error(`${acte.annexes.length} annexes described, ${parts.annexes.length} given`);
  }
  const annexes = acte.annexes.map(
    (annexe, i): ActeDocument => ({
      extension: fileExtension(annexe.file),
      codeTypePJ: annexe.typePJ ?? generic,
      content: parts.annexes[i] ?? new Uint8Array(),
      signature: parts.signatures?.annexes[i],
    }),
  );
  return {
    operatorTrigram: settings.operatorTrigram,
    sequence: parts.sequence,
    dateEnvoi: parts.dateEnvoi,
    collectivite: {
      siren: collectivite.siren,
      departement: collectivite.departement,
      arrondissement: collectivite.arrondissement,
      nature: collectivite.nature,
    },
    adressesRetour: [settings.returnAddress],
    acte: {
      dateDecision: acte.dateDecision,
      numeroInterne: acte.numeroInterne,
      nature: nature.code,
      classification: acte.classification,
      objet: acte.objet,
      classificationDateVersion: classificationDateVersion(acte, parts.currentClassification, settings.classificationDate),
      documentPapier: acte.documentPapier,
      document,
      annexes,
    },
  };
}

/** One formatter per time zone: building one costs more than the formatting (a profile showed 2 % of the transmitter's time). */
const dayFormats = new Map<string, Intl.DateTimeFormat>();

function dayFormat(timeZone: string): Intl.DateTimeFormat {
  let format = dayFormats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, format);
  }
  return format;
}

/** The calendar day of `instant` in `timeZone`, `YYYY-MM-DD`: the day an envelope is dated and numbered by. */
export function dayIn(timeZone: string, instant: Date): string {
  const parts = dayFormat(timeZone).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}
