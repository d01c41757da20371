import { ACTES_NAMESPACE, INSEE_NAMESPACE, LATIN1_XML_DECLARATION } from '@relais/actes';

import type { ActeDelivery, ActeRecu } from './archive.read.js';

/** A file of the ministry's reply. */
export interface ReplyFile {
  readonly name: string;
  readonly content: Buffer;
}

/** What the ministry answers to an accepted 1-1, as it would mail it: the envelope, then the message. */
export interface ActeReply {
  readonly kind: 'ARActe' | 'AnomalieActe';
  readonly files: readonly [envelope: ReplyFile, message: ReplyFile];
}

/** The circumstances of a reply. */
export interface ReplyContext {
  /** Day the acte was received, `YYYY-MM-DD`: `DateReception` of the 1-2, `Date` of the 1-3. */
  readonly date: string;
  /** The préfecture's envelope sequence number (the `N` of the envelope name). */
  readonly sequence: number;
  /** `ClassificationDateVersionEnCours`: the classification the préfecture holds, `YYYY-MM-DD`. */
  readonly classificationDateVersionEnCours: string;
}

/** What a 1-3 says is wrong. */
export interface Anomalie {
  /** Three digits (`Nature` of `AnomalieActe`); the meaning of each code is not published. */
  readonly nature: string;
  readonly detail: string;
}

/**
 * Escapes text for an ISO-8859-1 document: markup characters as entities, and any character Latin-1
 * cannot carry as a character reference, so that the bytes stay one per character.
 */
export function latin1XmlEscape(value: string): string {
  let out = '';
  for (const char of value) {
    const codePoint = char.codePointAt(0) ?? 0;
    if (char === '&') out += '&amp;';
    else if (char === '<') out += '&lt;';
    else if (char === '>') out += '&gt;';
    else if (char === '"') out += '&quot;';
    else if (codePoint > 0xff || char === '\r' || char === '\t' || char === '\n') out += `&#${codePoint};`;
    else out += char;
  }
  return out;
}

/** Like {@link latin1XmlEscape}, but keeps line breaks as they are (element content). */
function textContent(value: string): string {
  return latin1XmlEscape(value).replace(/&#10;/g, '\n').replace(/&#9;/g, '\t');
}

function acteRecuXml(acte: ActeRecu): string[] {
  const fichier = (element: string, name: string): string =>
    `<actes:${element}><actes:NomFichier>${textContent(name)}</actes:NomFichier></actes:${element}>`;
  return [
    `  <actes:ActeRecu actes:Date="${latin1XmlEscape(acte.date)}" actes:NumeroInterne="${latin1XmlEscape(acte.numeroInterne)}" actes:CodeNatureActe="${latin1XmlEscape(acte.codeNatureActe)}">`,
    ...acte.codesMatiere.map((code, i) => `    <actes:CodeMatiere${i + 1} actes:CodeMatiere="${latin1XmlEscape(code)}"/>`),
    `    <actes:Objet>${textContent(acte.objet)}</actes:Objet>`,
    ...(acte.precedentIdActe === undefined
      ? []
      : [`    <actes:PrecedentIdentifiantActe actes:IDActe="${latin1XmlEscape(acte.precedentIdActe)}"/>`]),
    `    <actes:ClassificationDateVersion>${textContent(acte.classificationDateVersion)}</actes:ClassificationDateVersion>`,
    `    ${fichier('Document', acte.document)}`,
    ...(acte.annexes.length === 0
      ? ['    <actes:Annexes actes:Nombre="0"/>']
      : [
          `    <actes:Annexes actes:Nombre="${acte.annexes.length}">`,
          ...acte.annexes.map((name) => `      ${fichier('Annexe', name)}`),
          '    </actes:Annexes>',
        ]),
    `    <actes:DocumentPapier>${textContent(acte.documentPapier)}</actes:DocumentPapier>`,
    '  </actes:ActeRecu>',
  ];
}

function document(lines: readonly string[]): Buffer {
  return Buffer.from([LATIN1_XML_DECLARATION, ...lines, ''].join('\n'), 'latin1');
}

/** The 1-2 `ARActe`: the acte's IDActe, the day of reception and the echo of what was received. */
export function arActeXml(delivery: ActeDelivery, context: ReplyContext): Buffer {
  return document([
    `<actes:ARActe xmlns:actes="${ACTES_NAMESPACE}" actes:IDActe="${delivery.idActe}" actes:DateReception="${context.date}">`,
    ...acteRecuXml(delivery.acte),
    `  <actes:ClassificationDateVersionEnCours>${context.classificationDateVersionEnCours}</actes:ClassificationDateVersionEnCours>`,
    '</actes:ARActe>',
  ]);
}

/** The 1-3 `AnomalieActe`: the day, the anomaly's nature and detail, and the echo of what was received. */
export function anomalieActeXml(delivery: ActeDelivery, context: ReplyContext, anomalie: Anomalie): Buffer {
  return document([
    `<actes:AnomalieActe xmlns:actes="${ACTES_NAMESPACE}">`,
    `  <actes:Date>${context.date}</actes:Date>`,
    `  <actes:Nature>${latin1XmlEscape(anomalie.nature)}</actes:Nature>`,
    `  <actes:Detail>${textContent(anomalie.detail)}</actes:Detail>`,
    ...acteRecuXml(delivery.acte),
    `  <actes:ClassificationDateVersionEnCours>${context.classificationDateVersionEnCours}</actes:ClassificationDateVersionEnCours>`,
    '</actes:AnomalieActe>',
  ]);
}

/** The ministry → collectivité envelope `EnveloppeMISILLCL`, sent by the préfecture of the department. */
export function enveloppeMisillclXml(delivery: ActeDelivery, formulaires: readonly string[]): Buffer {
  return document([
    `<actes:EnveloppeMISILLCL xmlns:actes="${ACTES_NAMESPACE}" xmlns:insee="${INSEE_NAMESPACE}">`,
    '  <actes:Emetteur>',
    `    <actes:IDPref actes:Departement="${delivery.departement}"/>`,
    '  </actes:Emetteur>',
    '  <actes:FormulairesEnvoyes>',
    ...formulaires.map((name) => `    <actes:Formulaire><actes:NomFichier>${textContent(name)}</actes:NomFichier></actes:Formulaire>`),
    '  </actes:FormulairesEnvoyes>',
    `  <actes:Destinataire insee:SIREN="${delivery.siren}"/>`,
    '</actes:EnveloppeMISILLCL>',
  ]);
}

/**
 * The name of a préfecture → collectivité envelope, `EACT--PREFddd-SIREN-YYYYMMDD-N.xml` (DOMAIN.md §1.7,
 * medium confidence: taken from a third-party importer, not from the ministry's specification).
 */
export function nomEnveloppeMisillcl(delivery: ActeDelivery, context: ReplyContext): string {
  return `EACT--PREF${delivery.departement}-${delivery.siren}-${context.date.replaceAll('-', '')}-${context.sequence}.xml`;
}

/** Builds the reply to an accepted 1-1: a 1-2 `ARActe`, or a 1-3 `AnomalieActe` when `anomalie` is given. */
export function buildActeReply(delivery: ActeDelivery, context: ReplyContext, anomalie?: Anomalie): ActeReply {
  const kind = anomalie === undefined ? 'ARActe' : 'AnomalieActe';
  const messageName = `${delivery.idActe}-1-${anomalie === undefined ? 2 : 3}_0.xml`;
  const message = anomalie === undefined ? arActeXml(delivery, context) : anomalieActeXml(delivery, context, anomalie);
  return {
    kind,
    files: [
      { name: nomEnveloppeMisillcl(delivery, context), content: enveloppeMisillclXml(delivery, [messageName]) },
      { name: messageName, content: message },
    ],
  };
}
