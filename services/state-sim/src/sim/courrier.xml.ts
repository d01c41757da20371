import { ACTES_NAMESPACE } from '@relais/actes';

import { ACCUSE_KIND, type AccuseCode, type AccuseKind, COURRIER_KIND, type CourrierCode, type CourrierKind } from './courrier.codes.js';
import { type EnvelopeContext, type MinistryMessage, type Recipient, ministryMessage } from './envelope.xml.js';
import { letterPdf } from './letter.pdf.js';
import { fichierXml, latin1Document, xmlText } from './xml.write.js';

/** A letter of the préfecture about an acte, on the day of the envelope (`DateCourrierPref`, `DateDepot`). */
export interface CourrierInput {
  readonly code: CourrierCode;
  /** The acte the letter is about, as the préfecture's 1-2 named it. */
  readonly idActe: string;
  /** `DescriptionPieces` (3-1), `Motif` (4-1), `NatureIllegalite` (5-1), and the body of the PDF; a default when absent. */
  readonly text?: string | undefined;
}

/** A letter as it would be mailed: envelope, message, the PDF document. */
export interface Courrier extends MinistryMessage<CourrierKind> {
  readonly messageName: string;
}

/** The letter a collectivité answers, as both sides name it. */
export interface CourrierRef {
  readonly idActe: string;
  /** `YYYY-MM-DD`. */
  readonly dateCourrierPref: string;
}

const LETTER: Readonly<Record<CourrierCode, { readonly title: string; readonly text: string }>> = {
  '2-1': { title: 'Courrier simple', text: "La préfecture vous adresse ce courrier au sujet de l'acte cité en objet." },
  '3-1': {
    title: 'Demande de pièces complémentaires',
    text: "Merci de transmettre les pièces nécessaires au contrôle de légalité de l'acte cité en objet.",
  },
  '4-1': { title: "Lettre d'observations", text: "L'acte cité en objet appelle de la part de la préfecture les observations suivantes." },
  '5-1': { title: 'Déféré au tribunal administratif', text: "L'acte cité en objet est déféré au tribunal administratif." },
};

/** The collectivité an IDActe (`DPT-SIREN-YYYYMMDD-NUMERO-NAT`) belongs to. */
export function recipientOf(idActe: string): Recipient {
  const [departement = '', siren = ''] = idActe.split('-');
  return { departement, siren };
}

function courrierXml(code: CourrierCode, idActe: string, date: string, text: string, document: string): Buffer {
  const kind = COURRIER_KIND[code];
  if (kind === 'DefereTA') {
    return latin1Document([
      `<actes:DefereTA xmlns:actes="${ACTES_NAMESPACE}" actes:IDActe="${idActe}">`,
      `  <actes:DateDepot>${date}</actes:DateDepot>`,
      `  <actes:NatureIllegalite>${xmlText(text)}</actes:NatureIllegalite>`,
      `  <actes:PiecesJointes>${fichierXml('PieceJointe', document)}</actes:PiecesJointes>`,
      '</actes:DefereTA>',
    ]);
  }
  const free = kind === 'DemandePieceComplementaire' ? 'DescriptionPieces' : kind === 'LettreObservations' ? 'Motif' : undefined;
  return latin1Document([
    `<actes:${kind} xmlns:actes="${ACTES_NAMESPACE}" actes:IDActe="${idActe}" actes:DateCourrierPref="${date}">`,
    ...(free === undefined ? [] : [`  <actes:${free}>${xmlText(text)}</actes:${free}>`]),
    `  ${fichierXml('Document', document)}`,
    `</actes:${kind}>`,
  ]);
}

/**
 * A 2-1 `CourrierSimple`, 3-1 `DemandePieceComplementaire`, 4-1 `LettreObservations` or 5-1 `DefereTA`
 * dated the envelope's day: `IDActe-T-S_0.xml` and its PDF `IDActe-T-S_1.pdf`, under an
 * `EnveloppeMISILLCL` to the acte's collectivité.
 */
export function buildCourrier(input: CourrierInput, context: EnvelopeContext): Courrier {
  const letter = LETTER[input.code];
  const text = input.text ?? letter.text;
  const base = `${input.idActe}-${input.code}`;
  const document = {
    name: `${base}_1.pdf`,
    content: letterPdf(`${letter.title} du ${context.date}`, [`Acte ${input.idActe}`, text]),
  };
  const message = { name: `${base}_0.xml`, content: courrierXml(input.code, input.idActe, context.date, text, document.name) };
  return {
    ...ministryMessage(COURRIER_KIND[input.code], recipientOf(input.idActe), context, message, [document]),
    messageName: message.name,
  };
}

/**
 * The préfecture's acknowledgement of an answer to its letter: a 3-5 `ARPieceComplementaire` or a 4-5
 * `ARReponseRejetLettreObservations` (`IDActe-T-5_0.xml`), received the envelope's day.
 */
export function buildAccuse(code: AccuseCode, letter: CourrierRef, context: EnvelopeContext): MinistryMessage<AccuseKind> {
  const kind = ACCUSE_KIND[code];
  const content = latin1Document([
    `<actes:${kind} xmlns:actes="${ACTES_NAMESPACE}" actes:DateReception="${context.date}">`,
    `  <actes:InfosCourrierPref actes:IDActe="${letter.idActe}" actes:DateCourrierPref="${letter.dateCourrierPref}"/>`,
    `</actes:${kind}>`,
  ]);
  return ministryMessage(kind, recipientOf(letter.idActe), context, { name: `${letter.idActe}-${code}_0.xml`, content });
}
