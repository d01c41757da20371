import { PesBuildError, PesErrorCode } from '../pes.errors.js';
import { LATIN1_XML_DECLARATION, encodeLatin1Xml, xmlAttribute } from '../xml/xml-text.js';
import type { PesAckBordereau, PesAckEnTete, PesAckError } from './acquit.types.js';
import { PES_ACQUIT_NAMESPACE, isDomaineAck, isNumAnoAck, type DomaineAck } from './acquit.values.js';

/** An `Emetteur` or `Recepteur` of the enveloppe. */
export interface PesAckParty {
  readonly sigle: string;
  readonly adresse?: string;
}

/** One `DetailLigne` to write. */
export interface PesAckLineInput {
  readonly numLigne: string;
  readonly errors?: readonly PesAckError[];
}

/** One `DetailPiece` to write. */
export interface PesAckPieceInput {
  readonly numPiece: string;
  readonly errors?: readonly PesAckError[];
  readonly lignes?: readonly PesAckLineInput[];
}

/** One `ElementACQUIT` to write: about a bordereau or a PJ, never both. */
export interface PesAcquitElementInput {
  readonly domaineAck: DomaineAck;
  readonly etatAck: boolean;
  readonly bordereau?: PesAckBordereau;
  readonly idUnique?: string;
  readonly errors?: readonly PesAckError[];
  readonly pieces?: readonly PesAckPieceInput[];
}

/** What {@link pesAcquitXml} writes. */
export interface PesAcquitInput {
  /** The NomFic of the PES_Aller acknowledged. */
  readonly nomFic: string;
  readonly enTete: PesAckEnTete;
  /** The verdicts; none (or an empty list) writes a PES_ACQUIT without `ACQUIT` block, read as « acquittement reçu ». */
  readonly elements?: readonly PesAcquitElementInput[];
  /** Default `PESALR2`. */
  readonly typFic?: string;
  readonly emetteur?: PesAckParty;
  readonly recepteur?: PesAckParty;
}

/** What {@link pesNonAcquitXml} writes. */
export interface PesNonAcquitInput {
  readonly nomFic: string;
  readonly enTete?: Partial<PesAckEnTete>;
  readonly errors: readonly PesAckError[];
  readonly typFic?: string;
  readonly emetteur?: PesAckParty;
  readonly recepteur?: PesAckParty;
}

/**
 * Writes a PES_ACQUIT as the DGFiP does (ISO-8859-1, root `n:PES_ACQUIT` in `…/Rev0/retour/v2`,
 * Enveloppe with Version 2, EnTetePES, then `ACQUIT` with `EnTeteAcquit/IdVer` 2 and one
 * `ElementACQUIT` per verdict), the shape of the Pastell sample; {@link parsePesAcquit} reads it back.
 * @throws PesBuildError `PES.BUILD_INVALID_INPUT`, `PES.BUILD_NOT_LATIN1`
 */
export function pesAcquitXml(input: PesAcquitInput): Buffer {
  const lines = [LATIN1_XML_DECLARATION, `<n:PES_ACQUIT xmlns:n="${PES_ACQUIT_NAMESPACE}">`];
  lines.push(...enveloppe(input), ...enTete(input.enTete, true));
  const elements = input.elements ?? [];
  if (elements.length > 0) {
    lines.push('    <ACQUIT>', '        <EnTeteAcquit>', '            <IdVer V="2"/>', '        </EnTeteAcquit>');
    elements.forEach((element, index) => lines.push(...elementLines(element, `elements[${index}]`)));
    lines.push('    </ACQUIT>');
  }
  lines.push('</n:PES_ACQUIT>', '');
  return encodeLatin1Xml(lines.join('\n'));
}

/**
 * Writes a PES_NonAcquit: the enveloppe and header of a PES_ACQUIT, then one `Erreur` (NumAnoAck,
 * LibelleAnoAck) per error, under a `n:PES_NonAcquit` root in `…/Rev0/retour/v2`. The DGFiP's own
 * schema for this file is not among our sources: this is our shape, which {@link parsePesNonAcquit}
 * (and S²LOW, which reads only NomFic and CodCol) reads.
 * @throws PesBuildError `PES.BUILD_INVALID_INPUT`, `PES.BUILD_NOT_LATIN1`
 */
export function pesNonAcquitXml(input: PesNonAcquitInput): Buffer {
  if (input.errors.length === 0) throw invalid('errors', 'un PES_NonAcquit porte au moins une erreur');
  const lines = [LATIN1_XML_DECLARATION, `<n:PES_NonAcquit xmlns:n="${PES_ACQUIT_NAMESPACE}">`];
  lines.push(...enveloppe(input), ...enTete(input.enTete ?? {}, false));
  input.errors.forEach((error, index) => lines.push(...errorLines(error, '    ', `errors[${index}]`)));
  lines.push('</n:PES_NonAcquit>', '');
  return encodeLatin1Xml(lines.join('\n'));
}

function enveloppe(input: PesAcquitInput | PesNonAcquitInput): string[] {
  if (input.nomFic.length === 0 || input.nomFic.length > 100) throw invalid('nomFic', 'NomFic compte de 1 à 100 caractères');
  const lines = [
    '    <Enveloppe>',
    '        <Parametres>',
    '            <Version V="2"/>',
    `            <TypFic V="${xmlAttribute(input.typFic ?? 'PESALR2', 'typFic')}"/>`,
    `            <NomFic V="${xmlAttribute(input.nomFic, 'nomFic')}"/>`,
    '        </Parametres>',
  ];
  for (const [tag, party] of [
    ['Emetteur', input.emetteur],
    ['Recepteur', input.recepteur],
  ] as const) {
    if (party === undefined) continue;
    lines.push(`        <${tag}>`, `            <Sigle V="${xmlAttribute(party.sigle, `${tag}.sigle`)}"/>`);
    if (party.adresse !== undefined) lines.push(`            <Adresse V="${xmlAttribute(party.adresse, `${tag}.adresse`)}"/>`);
    lines.push(`        </${tag}>`);
  }
  lines.push('    </Enveloppe>');
  return lines;
}

const EN_TETE_ORDER = [
  ['dteStr', 'DteStr'],
  ['idPost', 'IdPost'],
  ['idColl', 'IdColl'],
  ['codCol', 'CodCol'],
  ['codBud', 'CodBud'],
  ['libelleColBud', 'LibelleColBud'],
] as const;

function enTete(values: Partial<PesAckEnTete>, complete: boolean): string[] {
  const lines = ['    <EnTetePES>'];
  for (const [field, tag] of EN_TETE_ORDER) {
    const value = values[field];
    if (value === undefined) {
      if (complete && (field === 'idPost' || field === 'idColl' || field === 'codCol')) throw invalid(`enTete.${field}`, `${tag} est requis`);
      continue;
    }
    if (value.length === 0) throw invalid(`enTete.${field}`, `${tag} ne peut être vide`);
    lines.push(`        <${tag} V="${xmlAttribute(value, `enTete.${field}`)}"/>`);
  }
  lines.push('    </EnTetePES>');
  return lines;
}

function elementLines(element: PesAcquitElementInput, field: string): string[] {
  if (!isDomaineAck(element.domaineAck)) throw invalid(`${field}.domaineAck`, `DomaineAck « ${String(element.domaineAck)} » n’est pas une valeur du schéma`);
  if (element.bordereau !== undefined && element.idUnique !== undefined) {
    throw invalid(field, 'un ElementACQUIT porte un bordereau ou un IdUnique, pas les deux');
  }
  const lines = [
    '        <ElementACQUIT>',
    `            <DomaineAck V="${element.domaineAck}"/>`,
    `            <EtatAck V="${element.etatAck ? '1' : '0'}"/>`,
  ];
  if (element.bordereau !== undefined) {
    const { numBord, exercice } = element.bordereau;
    if (!/^[0-9]{1,7}$/.test(numBord)) throw invalid(`${field}.bordereau.numBord`, 'NumBord compte de 1 à 7 chiffres');
    if (!/^[0-9]{4}$/.test(exercice)) throw invalid(`${field}.bordereau.exercice`, 'ExerciceBord compte 4 chiffres');
    lines.push(`            <NumBord V="${numBord}"/>`, `            <ExerciceBord V="${exercice}"/>`);
  }
  if (element.idUnique !== undefined) {
    if (element.idUnique.length === 0 || element.idUnique.length > 50) throw invalid(`${field}.idUnique`, 'IdUnique compte de 1 à 50 caractères');
    lines.push(`            <IdUnique V="${xmlAttribute(element.idUnique, `${field}.idUnique`)}"/>`);
  }
  (element.errors ?? []).forEach((error, e) => lines.push(...errorLines(error, '            ', `${field}.errors[${e}]`)));
  (element.pieces ?? []).forEach((piece, p) => {
    const pieceField = `${field}.pieces[${p}]`;
    lines.push('            <DetailPiece>', `                <NumPiece V="${digits(piece.numPiece, `${pieceField}.numPiece`)}"/>`);
    (piece.errors ?? []).forEach((error, e) => lines.push(...errorLines(error, '                ', `${pieceField}.errors[${e}]`)));
    (piece.lignes ?? []).forEach((ligne, l) => {
      const ligneField = `${pieceField}.lignes[${l}]`;
      lines.push('                <DetailLigne>', `                    <NumLigne V="${digits(ligne.numLigne, `${ligneField}.numLigne`)}"/>`);
      (ligne.errors ?? []).forEach((error, e) => lines.push(...errorLines(error, '                    ', `${ligneField}.errors[${e}]`)));
      lines.push('                </DetailLigne>');
    });
    lines.push('            </DetailPiece>');
  });
  lines.push('        </ElementACQUIT>');
  return lines;
}

function errorLines(error: PesAckError, indent: string, field: string): string[] {
  const lines = [`${indent}<Erreur>`];
  if (error.code !== undefined) {
    if (!isNumAnoAck(error.code)) throw invalid(`${field}.code`, `« ${error.code} » n’est pas un code NumAnoAck du schéma`);
    lines.push(`${indent}    <NumAnoAck V="${error.code}"/>`);
  }
  if (error.label !== undefined) {
    if (error.label.length > 500) throw invalid(`${field}.label`, 'LibelleAnoAck compte au plus 500 caractères');
    lines.push(`${indent}    <LibelleAnoAck V="${xmlAttribute(error.label, `${field}.label`)}"/>`);
  }
  lines.push(`${indent}</Erreur>`);
  return lines;
}

function digits(value: string, field: string): string {
  if (!/^[0-9]{1,13}$/.test(value)) throw invalid(field, 'un numéro de pièce ou de ligne compte de 1 à 13 chiffres');
  return value;
}

function invalid(field: string, message: string): PesBuildError {
  return new PesBuildError(PesErrorCode.BuildInvalidInput, field, `${field} : ${message}`);
}
