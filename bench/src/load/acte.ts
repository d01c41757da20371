/** One acte to submit: the metadata of API.md and its files, drawn from the corpus. Pure given the random source. */
import {
  NATURES,
  annexeCount,
  between,
  classificationFor,
  decisionDate,
  fileSize,
  numeroInterne,
  objet,
  pick,
  type NatureAbbrev,
  type Random,
} from './corpus.js';
import { makePdf } from '@relais/testing/pdf';

export interface ActeMetadata {
  readonly numeroInterne: string;
  readonly dateDecision: string;
  readonly nature: NatureAbbrev;
  readonly classification: string;
  readonly objet: string;
  readonly documentPapier?: boolean;
}

export interface ActeFile {
  readonly name: string;
  readonly bytes: Buffer;
}

export interface ActeToSubmit {
  readonly metadata: ActeMetadata;
  readonly document: ActeFile;
  readonly annexes: readonly ActeFile[];
}

export interface ActeContext {
  readonly random: Random;
  readonly now: Date;
  readonly runTag: string;
  readonly sequence: number;
  readonly nom: string;
  readonly ville: string;
  readonly classifications: readonly string[];
}

const ANNEXES = ['plan_de_situation', 'rapport_de_presentation', 'devis', 'tableau_des_effectifs', 'annexe_budgetaire', 'convention_signee'];

export function makeActe(c: ActeContext): ActeToSubmit {
  const { random } = c;
  const nature = pick(random, NATURES);
  const date = decisionDate(c.now, between(random, 0, 45));
  const numero = numeroInterne(nature.abbrev, c.now.getUTCFullYear(), c.runTag, c.sequence);
  const text = objet(random, nature.abbrev, c.ville, c.now.getUTCFullYear());
  const metadata: ActeMetadata = {
    numeroInterne: numero,
    dateDecision: date,
    nature: nature.abbrev,
    classification: classificationFor(random, nature.abbrev, c.classifications),
    objet: text,
    ...(random() < 0.1 ? { documentPapier: random() < 0.5 } : {}),
  };
  const day = `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;
  const document = makePdf({
    targetBytes: fileSize(random, 5 * 1024, 200 * 1024),
    title: `${nature.label} n° ${numero}`,
    lines: [
      c.nom,
      `Séance du ${day}`,
      '',
      `Objet : ${text}`,
      '',
      'Vu le code général des collectivités territoriales ;',
      `Classification : ${metadata.classification}`,
      '',
      `Fait à ${c.ville}, le ${day}.`,
      'Le Maire,',
    ],
    creationDate: `D:${date.replaceAll('-', '')}120000Z`,
  });
  const annexes = Array.from({ length: annexeCount(random) }, (_, i): ActeFile => {
    const label = pick(random, ANNEXES);
    return {
      name: `annexe_${i + 1}_${label}.pdf`,
      bytes: makePdf({
        targetBytes: fileSize(random, 5 * 1024, 60 * 1024),
        title: `Annexe ${i + 1} à l'acte ${numero}`,
        lines: [c.nom, label.replaceAll('_', ' '), `Acte : ${text.slice(0, 200)}`],
      }),
    };
  });
  return { metadata, document: { name: `${numero}.pdf`, bytes: document }, annexes };
}

/** The multipart body of `POST /api/v1/actes`. */
export function actesForm(acte: ActeToSubmit): FormData {
  const form = new FormData();
  form.append('metadata', JSON.stringify(acte.metadata));
  form.append('document', new Blob([acte.document.bytes], { type: 'application/pdf' }), acte.document.name);
  for (const annexe of acte.annexes) form.append('annexes', new Blob([annexe.bytes], { type: 'application/pdf' }), annexe.name);
  return form;
}
