import { PesErrorCode, PesReadError } from '../pes.errors.js';
import { child, childValue, children, parseSmallXml, type SmallXmlDocument, type XmlElement } from '../xml/small-xml.read.js';
import type { PesAckEnTete, PesAckError, PesAckFile, PesAckLine, PesAckPiece, PesAcquit, PesAcquitElement, PesNonAcquit } from './acquit.types.js';
import { PES_ACQUIT_NAMESPACE, PES_RETOUR_NAMESPACE, isDomaineAck } from './acquit.values.js';

/**
 * Reads a PES_ACQUIT (`…/Rev0/retour/v2`, DOMAIN.md §2.4): the NomFic it answers, the header, and each
 * `ElementACQUIT` with its verdict, its bordereau or PJ, its errors and the pièces and lines at fault.
 * A file without `ACQUIT` block reads with `hasAcquitBlock` false and no elements.
 * @throws PesReadError `PES.ENCODING_UNSUPPORTED`, `PES.ENCODING_INVALID`, `PES.DOCTYPE_FORBIDDEN`,
 *   `PES.MALFORMED_XML`, `PES.RETURN_UNKNOWN_TYPE` (another root or namespace), `PES.RETURN_INVALID`
 */
export function parsePesAcquit(bytes: Uint8Array): PesAcquit {
  return acquitOf(parseSmallXml(bytes));
}

/**
 * Reads a PES_NonAcquit: its NomFic (required, as S²LOW requires it to find the transaction), the
 * header fields present, and every `NumAnoAck`/`LibelleAnoAck` pair. The root is matched by name in
 * any case and any namespace, since its schema is unconfirmed.
 * @throws PesReadError as {@link parsePesAcquit}
 */
export function parsePesNonAcquit(bytes: Uint8Array): PesNonAcquit {
  return nonAcquitOf(parseSmallXml(bytes));
}

/**
 * Reads a file the DGFiP sent back about a PES_Aller, telling a PES_ACQUIT from a PES_NonAcquit by its
 * root, as S²LOW does.
 * @throws PesReadError as {@link parsePesAcquit}
 */
export function parsePesAckFile(bytes: Uint8Array): PesAckFile {
  const document = parseSmallXml(bytes);
  return document.rootName.toLowerCase() === 'pes_nonacquit'
    ? { type: 'PES_NonAcquit', nonAcquit: nonAcquitOf(document) }
    : { type: 'PES_ACQUIT', acquit: acquitOf(document) };
}

function acquitOf(document: SmallXmlDocument): PesAcquit {
  if (document.rootName.toUpperCase() !== 'PES_ACQUIT' || document.namespace !== PES_ACQUIT_NAMESPACE) {
    const namespace = document.namespace === PES_RETOUR_NAMESPACE ? ' (l’ancien schéma d’acquit, non lu)' : '';
    throw new PesReadError(
      PesErrorCode.ReturnUnknownType,
      `la racine « ${document.rootName} » dans « ${document.namespace} »${namespace} n’est pas un PES_ACQUIT de ${PES_ACQUIT_NAMESPACE}`,
    );
  }
  const { root } = document;
  const parametres = child(child(root, 'Enveloppe') ?? {}, 'Parametres');
  const acquit = child(root, 'ACQUIT');
  const typFic = childValue(parametres, 'TypFic');
  const version = childValue(parametres, 'Version');
  return {
    nomFic: required(childValue(parametres, 'NomFic'), 'Enveloppe/Parametres/NomFic'),
    ...(typFic === undefined ? {} : { typFic }),
    ...(version === undefined ? {} : { version }),
    enTete: enTeteOf(child(root, 'EnTetePES')),
    hasAcquitBlock: acquit !== undefined,
    elements: acquit === undefined ? [] : children(acquit, 'ElementACQUIT').map(elementOf),
  };
}

function nonAcquitOf(document: SmallXmlDocument): PesNonAcquit {
  if (document.rootName.toLowerCase() !== 'pes_nonacquit') {
    throw new PesReadError(PesErrorCode.ReturnUnknownType, `la racine « ${document.rootName} » n’est pas un PES_NonAcquit`);
  }
  const { root } = document;
  const parametres = child(child(root, 'Enveloppe') ?? {}, 'Parametres');
  const enTete = child(root, 'EnTetePES');
  const header: Record<string, string> = {};
  for (const [field, name] of Object.entries(EN_TETE_FIELDS)) {
    const value = childValue(enTete, name);
    if (value !== undefined) header[field] = value;
  }
  const errors: PesAckError[] = [];
  collectErrors(root, errors);
  return { nomFic: required(childValue(parametres, 'NomFic'), 'Enveloppe/Parametres/NomFic'), enTete: header, errors };
}

const EN_TETE_FIELDS = {
  dteStr: 'DteStr',
  idPost: 'IdPost',
  idColl: 'IdColl',
  codCol: 'CodCol',
  codBud: 'CodBud',
  libelleColBud: 'LibelleColBud',
} as const;

function enTeteOf(enTete: XmlElement | undefined): PesAckEnTete {
  const dteStr = childValue(enTete, 'DteStr');
  const codBud = childValue(enTete, 'CodBud');
  const libelleColBud = childValue(enTete, 'LibelleColBud');
  return {
    ...(dteStr === undefined ? {} : { dteStr }),
    idPost: required(childValue(enTete, 'IdPost'), 'EnTetePES/IdPost'),
    idColl: required(childValue(enTete, 'IdColl'), 'EnTetePES/IdColl'),
    codCol: required(childValue(enTete, 'CodCol'), 'EnTetePES/CodCol'),
    ...(codBud === undefined ? {} : { codBud }),
    ...(libelleColBud === undefined ? {} : { libelleColBud }),
  };
}

function elementOf(element: XmlElement, index: number): PesAcquitElement {
  const field = `ACQUIT/ElementACQUIT[${index + 1}]`;
  const domaineAck = required(childValue(element, 'DomaineAck'), `${field}/DomaineAck`);
  if (!isDomaineAck(domaineAck)) throw invalid(`${field}/DomaineAck`, `DomaineAck « ${domaineAck} » n’est pas une valeur du schéma (0 à 12, 99)`);
  const numBord = childValue(element, 'NumBord');
  const exercice = childValue(element, 'ExerciceBord');
  if ((numBord === undefined) !== (exercice === undefined)) {
    throw invalid(`${field}/NumBord`, 'NumBord et ExerciceBord vont ensemble : l’un est présent sans l’autre');
  }
  const idUnique = childValue(element, 'IdUnique');
  return {
    domaineAck,
    etatAck: booleanOf(required(childValue(element, 'EtatAck'), `${field}/EtatAck`), `${field}/EtatAck`),
    ...(numBord === undefined || exercice === undefined ? {} : { bordereau: { numBord, exercice } }),
    ...(idUnique === undefined ? {} : { idUnique }),
    errors: children(element, 'Erreur').map(errorOf),
    pieces: children(element, 'DetailPiece').map((piece, p) => pieceOf(piece, `${field}/DetailPiece[${p + 1}]`)),
  };
}

function pieceOf(piece: XmlElement, field: string): PesAckPiece {
  return {
    numPiece: required(childValue(piece, 'NumPiece'), `${field}/NumPiece`),
    errors: children(piece, 'Erreur').map(errorOf),
    lignes: children(piece, 'DetailLigne').map(
      (ligne, l): PesAckLine => ({
        numLigne: required(childValue(ligne, 'NumLigne'), `${field}/DetailLigne[${l + 1}]/NumLigne`),
        errors: children(ligne, 'Erreur').map(errorOf),
      }),
    ),
  };
}

function errorOf(erreur: XmlElement): PesAckError {
  const code = childValue(erreur, 'NumAnoAck');
  const label = childValue(erreur, 'LibelleAnoAck');
  return { ...(code === undefined ? {} : { code }), ...(label === undefined ? {} : { label }) };
}

/** Every element holding a `NumAnoAck` or `LibelleAnoAck` gives one error, depth first. */
function collectErrors(element: XmlElement, into: PesAckError[]): void {
  if (child(element, 'NumAnoAck') !== undefined || child(element, 'LibelleAnoAck') !== undefined) into.push(errorOf(element));
  for (const [key, value] of Object.entries(element)) {
    if (key.startsWith('@_') || !Array.isArray(value)) continue;
    for (const item of value) {
      if (typeof item === 'object' && item !== null && !Array.isArray(item)) collectErrors(item as XmlElement, into);
    }
  }
}

function booleanOf(value: string, field: string): boolean {
  if (value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  throw invalid(field, `EtatAck « ${value} » n’est ni 1 ni 0`);
}

function required(value: string | undefined, field: string): string {
  if (value === undefined || value.length === 0) throw invalid(field, `${field} est absent ou vide`);
  return value;
}

function invalid(field: string, message: string): PesReadError {
  return new PesReadError(PesErrorCode.ReturnInvalid, message, undefined, field);
}
