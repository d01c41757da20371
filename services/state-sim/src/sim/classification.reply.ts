import { ACTES_NAMESPACE } from '@relais/actes';

import type { Classification } from './classification.catalogue.js';
import { NATURES, matiereLibelle, typePJLibelle } from './classification.labels.js';
import type { ClassificationDelivery } from './classification.read.js';
import { type EnvelopeContext, type MinistryMessage, ministryMessage } from './envelope.xml.js';
import { latin1Document, latin1XmlEscape } from './xml.write.js';

/** The préfecture's answer to a 7-1: its classification (7-2), or word that the collectivité's is current (7-3). */
export type ClassificationReply = MinistryMessage<'RetourClassification' | 'ReponseClassificationSansChangement'>;

/** The classification the préfecture holds and the date it gives it. */
export interface PrefectureClassification {
  readonly classification: Classification;
  /** `DateClassification`, `YYYY-MM-DD`. */
  readonly date: string;
}

/** Whether a collectivité holding `held` (none when it did not say) needs the préfecture's classification dated `current`. */
export function needsClassification(held: string | undefined, current: string): boolean {
  return held === undefined || held < current;
}

function matieresXml(codes: readonly string[], parent: string | undefined, level: number): string[] {
  const indent = '  '.repeat(level + 1);
  return codes
    .filter((code) => (parent === undefined ? !code.includes('.') : code.slice(0, code.lastIndexOf('.')) === parent))
    .flatMap((code) => {
      const attributes = `actes:CodeMatiere="${code.slice(code.lastIndexOf('.') + 1)}" actes:Libelle="${latin1XmlEscape(matiereLibelle(code))}"`;
      const inner = matieresXml(codes, code, level + 1);
      return inner.length === 0
        ? [`${indent}<actes:Matiere${level} ${attributes}/>`]
        : [`${indent}<actes:Matiere${level} ${attributes}>`, ...inner, `${indent}</actes:Matiere${level}>`];
    });
}

/** The 7-2 `RetourClassification`: the date, each nature with its piece types, the tree of matières. */
export function retourClassificationXml(prefecture: PrefectureClassification): Buffer {
  const { classification } = prefecture;
  return latin1Document([
    `<actes:RetourClassification xmlns:actes="${ACTES_NAMESPACE}">`,
    `  <actes:DateClassification>${prefecture.date}</actes:DateClassification>`,
    '  <actes:NaturesActes>',
    ...classification.natures.flatMap((nature) => {
      const { code, libelle } = NATURES[nature.abbreviation];
      return [
        `    <actes:NatureActe actes:CodeNatureActe="${code}" actes:Libelle="${latin1XmlEscape(libelle)}" actes:TypeAbrege="${nature.abbreviation}">`,
        ...nature.typesPJ.map(
          (typePJ) => `      <actes:TypePJNatureActe actes:CodeTypePJ="${typePJ}" actes:Libelle="${latin1XmlEscape(typePJLibelle(typePJ))}"/>`,
        ),
        '    </actes:NatureActe>',
      ];
    }),
    '  </actes:NaturesActes>',
    '  <actes:Matieres>',
    ...matieresXml(classification.codes, undefined, 1),
    '  </actes:Matieres>',
    '</actes:RetourClassification>',
  ]);
}

/** The 7-3 `ReponseClassificationSansChangement`: the date of the classification, which the collectivité already holds. */
export function sansChangementXml(date: string): Buffer {
  return latin1Document([
    `<actes:ReponseClassificationSansChangement xmlns:actes="${ACTES_NAMESPACE}">`,
    `  <actes:DateClassification>${date}</actes:DateClassification>`,
    '</actes:ReponseClassificationSansChangement>',
  ]);
}

/**
 * The answer to a 7-1: a 7-2 `DPT-SIREN----7-2_0.xml` when the collectivité holds no classification or
 * an older one than the préfecture's, else a 7-3 `DPT-SIREN----7-3_0.xml`; under an `EnveloppeMISILLCL`
 * to the SIREN.
 */
export function buildClassificationReply(
  delivery: ClassificationDelivery,
  prefecture: PrefectureClassification,
  context: EnvelopeContext,
): ClassificationReply {
  const base = `${delivery.departement}-${delivery.siren}----`;
  if (needsClassification(delivery.dateClassification, prefecture.date)) {
    const message = { name: `${base}7-2_0.xml`, content: retourClassificationXml(prefecture) };
    return ministryMessage('RetourClassification', delivery, context, message);
  }
  const message = { name: `${base}7-3_0.xml`, content: sansChangementXml(prefecture.date) };
  return ministryMessage('ReponseClassificationSansChangement', delivery, context, message);
}
