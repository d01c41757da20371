import { NOM_ENVELOPPE_REGEX } from '../archive/archive.naming.js';
import { NOM_FICHIER_CLASSIFICATION_REGEX } from '../exchange/exchange.naming.js';
import { attribute, children } from '../import/archive-xml.nodes.js';
import { PrefectureMessageError, PrefectureMessageErrorCode } from './prefecture.errors.js';
import { ACTE_MESSAGE_FILE, type LocatedMessage, type XmlElement, locateMessage } from './prefecture.locate.js';
import type { AnomalieEnveloppeNature, PrefectureDocument, PrefectureFile, PrefectureMessage } from './prefecture.types.js';
import { firstText, invalid, requireDate, requireIdActe, requireSiren, required } from './prefecture.values.js';

const ANOMALY_FILE = /^ANO_(.+)$/;
const ANOMALIE_ENVELOPPE_NATURES: readonly string[] = ['001', '002', '003', '004', '005', '100'] satisfies AnomalieEnveloppeNature[];

/**
 * Reads what the préfecture sent, as the operator's mailbox hands it over: an `EnveloppeMISILLCL`
 * (optional), one business message, and the documents it names. The message is the XML file whose root
 * is a préfecture message (file names are not trusted for that: an anomaly's is `ANO_EACT--…`); other
 * files are documents, returned only when the message names them. Every XML file is ISO-8859-1 without
 * DOCTYPE; every required element is checked, dates come out `YYYY-MM-DD`, and when the envelope names
 * a recipient it must be the collectivité of the message. Pure: the bytes in, the message out.
 * @throws PrefectureMessageError `ACTES.REPLY_UNREADABLE`, `ACTES.REPLY_UNKNOWN_MESSAGE`,
 * `ACTES.REPLY_INVALID`, `ACTES.REPLY_SIREN_MISMATCH`, `ACTES.REPLY_DOCUMENT_MISSING`
 */
export function parsePrefectureMessage(files: readonly PrefectureFile[]): PrefectureMessage {
  const message = locateMessage(files);
  const parsed = read(message);
  if (message.envelopeSiren !== undefined && message.envelopeSiren !== parsed.siren) {
    throw new PrefectureMessageError(
      PrefectureMessageErrorCode.SirenMismatch,
      message.name,
      `the envelope is for SIREN ${message.envelopeSiren}, the message for ${parsed.siren}`,
    );
  }
  return parsed;
}

function read(message: LocatedMessage): PrefectureMessage {
  const { name, node, code } = message;
  switch (code) {
    case '1-2': {
      const idActe = requireIdActe(name, attribute(node, 'IDActe'));
      const enCours = firstText(node, 'ClassificationDateVersionEnCours');
      return {
        code,
        messageName: name,
        ...aboutActe(idActe),
        numeroInterne: numeroInterne(node, idActe),
        dateReception: requireDate(name, 'DateReception', attribute(node, 'DateReception')),
        classificationDateVersionEnCours: enCours === undefined ? undefined : requireDate(name, 'ClassificationDateVersionEnCours', enCours),
      };
    }
    case '1-3': {
      // An AnomalieActe names no IDActe: only its file name carries it.
      const idActe = requireIdActe(name, ACTE_MESSAGE_FILE.exec(name)?.[1]);
      const nature = required(name, 'Nature', firstText(node, 'Nature'));
      if (!/^[0-9]{3}$/.test(nature)) throw invalid(name, `Nature ${nature} is not three digits`);
      return {
        code,
        messageName: name,
        ...aboutActe(idActe),
        numeroInterne: numeroInterne(node, idActe),
        date: requireDate(name, 'Date', firstText(node, 'Date')),
        nature,
        detail: firstText(node, 'Detail') ?? '',
      };
    }
    case 'enveloppe': {
      const idcl = children(children(children(node, 'EnveloppeRecue')[0], 'Emetteur')[0], 'IDCL')[0];
      const nature = required(name, 'Nature', firstText(node, 'Nature'));
      // xsd:integer: `1` is the value `001`.
      const padded = /^[0-9]{1,3}$/.test(nature) ? nature.padStart(3, '0') : nature;
      if (!ANOMALIE_ENVELOPPE_NATURES.includes(padded)) throw invalid(name, `Nature ${nature} is not 001 to 005 or 100`);
      const refused = ANOMALY_FILE.exec(name)?.[1];
      return {
        code,
        messageName: name,
        date: requireDate(name, 'Date', firstText(node, 'Date')),
        nature: padded as AnomalieEnveloppeNature,
        detail: firstText(node, 'Detail') ?? '',
        siren: requireSiren(name, 'EnveloppeRecue/Emetteur/IDCL@SIREN', attribute(idcl, 'SIREN')),
        envelopeName: refused !== undefined && NOM_ENVELOPPE_REGEX.test(refused) ? refused : undefined,
      };
    }
    case '2-1':
    case '3-1':
    case '4-1': {
      const idActe = requireIdActe(name, attribute(node, 'IDActe'));
      const textElement = code === '3-1' ? 'DescriptionPieces' : code === '4-1' ? 'Motif' : undefined;
      return {
        code,
        messageName: name,
        ...aboutActe(idActe),
        numeroInterne: numeroFromId(idActe),
        dateCourrierPref: requireDate(name, 'DateCourrierPref', attribute(node, 'DateCourrierPref')),
        text: textElement === undefined ? undefined : required(name, textElement, firstText(node, textElement)),
        documents: documents(message, children(node, 'Document'), 'Document', 1),
      };
    }
    case '3-5':
    case '4-5': {
      const infos = children(node, 'InfosCourrierPref')[0];
      if (infos === undefined) throw invalid(name, 'InfosCourrierPref is missing');
      return {
        code,
        messageName: name,
        ...aboutActe(requireIdActe(name, attribute(infos, 'IDActe'))),
        dateReception: requireDate(name, 'DateReception', attribute(node, 'DateReception')),
        dateCourrierPref: requireDate(name, 'InfosCourrierPref@DateCourrierPref', attribute(infos, 'DateCourrierPref')),
      };
    }
    case '5-1': {
      const idActe = requireIdActe(name, attribute(node, 'IDActe'));
      const pieces = children(node, 'PiecesJointes');
      if (pieces.length === 0) throw invalid(name, 'PiecesJointes is missing');
      return {
        code,
        messageName: name,
        ...aboutActe(idActe),
        numeroInterne: numeroFromId(idActe),
        dateDepot: requireDate(name, 'DateDepot', firstText(node, 'DateDepot')),
        natureIllegalite: required(name, 'NatureIllegalite', firstText(node, 'NatureIllegalite')),
        documents: documents(message, children(pieces[0], 'PieceJointe'), 'PieceJointe', 0),
      };
    }
    case '6-2': {
      const idActe = requireIdActe(name, attribute(node, 'IDActe'));
      return { code, messageName: name, ...aboutActe(idActe), dateReception: requireDate(name, 'DateReception', attribute(node, 'DateReception')) };
    }
    case '7-2':
      return {
        code,
        messageName: name,
        siren: classificationSiren(message),
        dateClassification: requireDate(name, 'DateClassification', firstText(node, 'DateClassification')),
        xml: message.content,
      };
    case '7-3':
      return {
        code,
        messageName: name,
        siren: classificationSiren(message),
        dateClassification: requireDate(name, 'DateClassification', firstText(node, 'DateClassification')),
      };
    default: {
      const unreachable: never = code;
      throw new Error(`unhandled message code ${String(unreachable)}`);
    }
  }
}

/**
 * The documents a message names (`NomFichier` of each `element`), with their bytes, in the message's
 * order. A letter carries exactly `minimum` = 1, a déféré any number.
 */
function documents(message: LocatedMessage, elements: readonly unknown[], element: string, minimum: number): PrefectureDocument[] {
  if (elements.length < minimum) throw invalid(message.name, `${element} is missing`);
  return elements.map((node) => {
    const name = required(message.name, `${element}/NomFichier`, firstText(node, 'NomFichier'));
    const file = message.files.find((candidate) => candidate.name === name);
    if (file === undefined) {
      throw new PrefectureMessageError(PrefectureMessageErrorCode.DocumentMissing, message.name, `the document ${name} it names is not among the files`);
    }
    return { name, content: file.content };
  });
}

/** A 7-2 or 7-3 names no collectivité: the envelope does, else the file name `DPT-SIREN----7-S_n.xml`. */
function classificationSiren(message: LocatedMessage): string {
  const fromName = NOM_FICHIER_CLASSIFICATION_REGEX.exec(message.name)?.[2];
  const siren = message.envelopeSiren ?? fromName;
  if (siren === undefined) throw invalid(message.name, 'no SIREN: neither an envelope Destinataire nor a DPT-SIREN----7-S_n.xml name');
  if (fromName !== undefined && fromName !== siren) {
    throw new PrefectureMessageError(
      PrefectureMessageErrorCode.SirenMismatch,
      message.name,
      `the envelope is for SIREN ${siren}, the file name for ${fromName}`,
    );
  }
  return requireSiren(message.name, 'SIREN', siren);
}

function aboutActe(idActe: string): { readonly idActe: string; readonly siren: string } {
  return { idActe, siren: idActe.split('-')[1] ?? '' };
}

function numeroFromId(idActe: string): string {
  return idActe.split('-')[3] ?? '';
}

/** The numéro interne of the echo `ActeRecu`, else the IDActe's. */
function numeroInterne(node: XmlElement, idActe: string): string {
  return attribute(children(node, 'ActeRecu')[0], 'NumeroInterne') ?? numeroFromId(idActe);
}
