import { ActesArchiveError, ActesArchiveErrorCode } from './archive.errors.js';
import {
  ACTES_NAMESPACE,
  LATIN1_XML_DECLARATION,
  encodeLatin1Xml,
  xmlAttribute,
  xmlText,
} from './archive.latin1-xml.js';
import {
  CLASSIFICATION_REGEX,
  ID_ACTE_REGEX,
  NUMERO_INTERNE_REGEX,
  type NatureActeCode,
  compactDate,
  isNatureActeCode,
  requireMatch,
} from './archive.naming.js';

/** The longest `Objet` the schema accepts. */
export const OBJET_MAX_LENGTH = 500;

/** What a 1-1 `Acte` message says (the metadata of the acte and the names of its files). */
export interface ActeMessageInput {
  /** Date of the decision, `YYYY-MM-DD`. */
  readonly dateDecision: string;
  /** The collectivité's number for the acte, `[A-Za-z0-9_]{1,15}`. */
  readonly numeroInterne: string;
  /** Nature of the acte, 1..6. */
  readonly nature: NatureActeCode;
  /** Classification (matières), 2 to 5 levels: `7.1`, `1.1.2`. */
  readonly classification: string;
  /** Object of the acte, at most 500 characters, ISO-8859-1 only. */
  readonly objet: string;
  /** Date of the classification used (from the last 7-2), `YYYY-MM-DD`. */
  readonly classificationDateVersion: string;
  /** Whether a paper copy follows by post (`DocumentPapier` O/N). */
  readonly documentPapier: boolean;
  /** IDActe of an acte already transmitted that this one re-transmits, if any. */
  readonly precedentIdActe?: string | undefined;
  /** Name of the main document in the archive. */
  readonly nomDocument: string;
  /** Names of the annexes in the archive, in order. */
  readonly nomsAnnexes: readonly string[];
  /** The detached signature (CMS, DER) of the main document, carried base64 in its `Signature` element. */
  readonly signatureDocument?: Uint8Array | undefined;
  /** The annexes' detached signatures, by position (`undefined` for an unsigned annexe). */
  readonly signaturesAnnexes?: readonly (Uint8Array | undefined)[];
}

/**
 * Splits a classification `7.1.3` into the `CodeMatiere1..5` values.
 * @throws ActesArchiveError `ACTES.INVALID_CLASSIFICATION`
 */
export function codesMatiere(classification: string): string[] {
  requireMatch(
    classification,
    CLASSIFICATION_REGEX,
    ActesArchiveErrorCode.InvalidClassification,
    'classification',
    'N.N[.N[.N[.N]]]',
  );
  return classification.split('.');
}

function objetText(objet: string): string {
  if (objet.length === 0 || objet.length > OBJET_MAX_LENGTH) {
    throw new ActesArchiveError(
      ActesArchiveErrorCode.InvalidObjet,
      'objet',
      `objet: ${objet.length} caractères (attendu 1 à ${OBJET_MAX_LENGTH}).`,
    );
  }
  return xmlText(objet, 'objet');
}

/**
 * A `FichierSigne` element (`Document`, `Annexe`…) naming one file, on one line after `indent`; its
 * name checked and escaped; with its detached signature (DER) in base64 in `Signature` when it has one.
 */
export function fichierXml(indent: string, element: string, name: string, field: string, signature?: Uint8Array): string {
  const signed = signature === undefined ? '' : `<actes:Signature>${Buffer.from(signature).toString('base64')}</actes:Signature>`;
  return `${indent}<actes:${element}><actes:NomFichier>${xmlText(name, field)}</actes:NomFichier>${signed}</actes:${element}>`;
}

function annexesXml(names: readonly string[], signatures: readonly (Uint8Array | undefined)[]): string[] {
  if (names.length === 0) return ['  <actes:Annexes actes:Nombre="0"/>'];
  return [
    `  <actes:Annexes actes:Nombre="${names.length}">`,
    ...names.map((name, i) => fichierXml('    ', 'Annexe', name, `nomsAnnexes[${i}]`, signatures[i])),
    '  </actes:Annexes>',
  ];
}

/**
 * The 1-1 `Acte` message, ISO-8859-1 bytes valid against `actesv1_1.xsd`. The schema's `FichierSigne`
 * has no CodeTypePJ: the typology travels only as the file-name prefix.
 * @throws ActesArchiveError on a value the schema or Latin-1 refuses.
 */
export function acteXml(input: ActeMessageInput): Buffer {
  compactDate(input.dateDecision, 'dateDecision');
  compactDate(input.classificationDateVersion, 'classificationDateVersion');
  const numero = requireMatch(
    input.numeroInterne,
    NUMERO_INTERNE_REGEX,
    ActesArchiveErrorCode.InvalidNumeroInterne,
    'numeroInterne',
    '[A-Za-z0-9_]{1,15}',
  );
  if (!isNatureActeCode(input.nature)) {
    throw new ActesArchiveError(
      ActesArchiveErrorCode.InvalidNatureActe,
      'nature',
      `nature: ${String(input.nature)} n'est pas un code de nature d'acte (1 à 6).`,
    );
  }
  const precedent =
    input.precedentIdActe === undefined
      ? []
      : [
          `  <actes:PrecedentIdentifiantActe actes:IDActe="${xmlAttribute(
            requireMatch(input.precedentIdActe, ID_ACTE_REGEX, ActesArchiveErrorCode.InvalidIdActe, 'precedentIdActe', 'DPT-SIREN-YYYYMMDD-NUMERO-NAT'),
            'precedentIdActe',
          )}"/>`,
        ];
  const lines = [
    LATIN1_XML_DECLARATION,
    `<actes:Acte xmlns:actes="${ACTES_NAMESPACE}" actes:Date="${input.dateDecision}" actes:NumeroInterne="${numero}" actes:CodeNatureActe="${input.nature}">`,
    ...codesMatiere(input.classification).map(
      (code, i) => `  <actes:CodeMatiere${i + 1} actes:CodeMatiere="${code}"/>`,
    ),
    `  <actes:Objet>${objetText(input.objet)}</actes:Objet>`,
    ...precedent,
    `  <actes:ClassificationDateVersion>${input.classificationDateVersion}</actes:ClassificationDateVersion>`,
    fichierXml('  ', 'Document', input.nomDocument, 'nomDocument', input.signatureDocument),
    ...annexesXml(input.nomsAnnexes, input.signaturesAnnexes ?? []),
    `  <actes:DocumentPapier>${input.documentPapier ? 'O' : 'N'}</actes:DocumentPapier>`,
    '</actes:Acte>',
    '',
  ];
  return encodeLatin1Xml(lines.join('\n'));
}
