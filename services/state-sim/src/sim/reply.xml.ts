import { ACTES_NAMESPACE } from '@relais/actes';

import type { ActeDelivery, ActeRecu } from './archive.read.js';
import { type EnvelopeContext, type ReplyFile, enveloppeMisillclXml, nomEnveloppeMisillcl } from './envelope.xml.js';
import { fichierXml, latin1Document, latin1XmlEscape, xmlText } from './xml.write.js';

/** What the ministry answers to an accepted 1-1, as it would mail it: the envelope, then the message. */
export interface ActeReply {
  readonly kind: 'ARActe' | 'AnomalieActe';
  readonly files: readonly [envelope: ReplyFile, message: ReplyFile];
}

/** The circumstances of a reply. */
export interface ReplyContext extends EnvelopeContext {
  /** Day the acte was received, `YYYY-MM-DD`: `DateReception` of the 1-2, `Date` of the 1-3. */
  readonly date: string;
  /** `ClassificationDateVersionEnCours`: the classification the préfecture holds, `YYYY-MM-DD`. */
  readonly classificationDateVersionEnCours: string;
}

/** What a 1-3 says is wrong. */
export interface Anomalie {
  /** Three digits (`Nature` of `AnomalieActe`); the meaning of each code is not published. */
  readonly nature: string;
  readonly detail: string;
}

function acteRecuXml(acte: ActeRecu): string[] {
  return [
    `  <actes:ActeRecu actes:Date="${latin1XmlEscape(acte.date)}" actes:NumeroInterne="${latin1XmlEscape(acte.numeroInterne)}" actes:CodeNatureActe="${latin1XmlEscape(acte.codeNatureActe)}">`,
    ...acte.codesMatiere.map((code, i) => `    <actes:CodeMatiere${i + 1} actes:CodeMatiere="${latin1XmlEscape(code)}"/>`),
    `    <actes:Objet>${xmlText(acte.objet)}</actes:Objet>`,
    ...(acte.precedentIdActe === undefined
      ? []
      : [`    <actes:PrecedentIdentifiantActe actes:IDActe="${latin1XmlEscape(acte.precedentIdActe)}"/>`]),
    `    <actes:ClassificationDateVersion>${xmlText(acte.classificationDateVersion)}</actes:ClassificationDateVersion>`,
    `    ${fichierXml('Document', acte.document)}`,
    ...(acte.annexes.length === 0
      ? ['    <actes:Annexes actes:Nombre="0"/>']
      : [
          `    <actes:Annexes actes:Nombre="${acte.annexes.length}">`,
          ...acte.annexes.map((name) => `      ${fichierXml('Annexe', name)}`),
          '    </actes:Annexes>',
        ]),
    `    <actes:DocumentPapier>${xmlText(acte.documentPapier)}</actes:DocumentPapier>`,
    '  </actes:ActeRecu>',
  ];
}

/** The 1-2 `ARActe`: the acte's IDActe, the day of reception and the echo of what was received. */
export function arActeXml(delivery: ActeDelivery, context: ReplyContext): Buffer {
  return latin1Document([
    `<actes:ARActe xmlns:actes="${ACTES_NAMESPACE}" actes:IDActe="${delivery.idActe}" actes:DateReception="${context.date}">`,
    ...acteRecuXml(delivery.acte),
    `  <actes:ClassificationDateVersionEnCours>${context.classificationDateVersionEnCours}</actes:ClassificationDateVersionEnCours>`,
    '</actes:ARActe>',
  ]);
}

/** The 1-3 `AnomalieActe`: the day, the anomaly's nature and detail, and the echo of what was received. */
export function anomalieActeXml(delivery: ActeDelivery, context: ReplyContext, anomalie: Anomalie): Buffer {
  return latin1Document([
    `<actes:AnomalieActe xmlns:actes="${ACTES_NAMESPACE}">`,
    `  <actes:Date>${context.date}</actes:Date>`,
    `  <actes:Nature>${latin1XmlEscape(anomalie.nature)}</actes:Nature>`,
    `  <actes:Detail>${xmlText(anomalie.detail)}</actes:Detail>`,
    ...acteRecuXml(delivery.acte),
    `  <actes:ClassificationDateVersionEnCours>${context.classificationDateVersionEnCours}</actes:ClassificationDateVersionEnCours>`,
    '</actes:AnomalieActe>',
  ]);
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
