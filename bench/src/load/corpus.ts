/**
 * The actes the load generator submits: natures, classifications, numéros internes, objets in
 * French, decision dates and file sizes, drawn from a seeded generator so that a run can be replayed.
 */

/** A seeded generator of floats in [0, 1) (mulberry32). */
import { existsSync, readFileSync } from 'node:fs';
export type Random = () => number;

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

/** An integer in [min, max]. */
export function between(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** The natures of API.md by their abbreviation, with their French label. */
export const NATURES = [
  { abbrev: 'DE', label: 'Délibération' },
  { abbrev: 'AR', label: 'Arrêté réglementaire' },
  { abbrev: 'AI', label: 'Arrêté individuel' },
  { abbrev: 'CC', label: 'Contrat, convention ou avenant' },
  { abbrev: 'BF', label: 'Document budgétaire et financier' },
  { abbrev: 'AU', label: 'Autre acte' },
] as const;

export type NatureAbbrev = (typeof NATURES)[number]['abbrev'];

/** Used when the 7-2 sample cannot be read: codes present in it. */
export const FALLBACK_CLASSIFICATIONS: readonly string[] = ['1.1', '2.1', '3.1', '4.1', '5.1', '7.1', '7.1.2', '9.1'];

/**
 * Every classification of two to five levels in a 7-2 RetourClassification (DOMAIN.md §1.3): the path
 * of codes down to each `MatiereN` element, whatever the namespace prefix. Empty when there is none.
 */
export function classificationsFromRetour(xml: string): string[] {
  const path: string[] = [];
  const codes = new Set<string>();
  for (const tag of xml.matchAll(/<(?:[\w.-]+:)?Matiere([1-5])\b([^>]*)>/g)) {
    const level = Number(tag[1]);
    const code = /(?:[\w.-]+:)?CodeMatiere\s*=\s*["'](\d+)["']/.exec(tag[2] ?? '')?.[1];
    if (code === undefined || level > path.length + 1) continue;
    path.length = level - 1;
    path.push(code);
    if (level >= 2) codes.add(path.join('.'));
  }
  return [...codes];
}

/** `^[A-Z0-9]([A-Z0-9_]{0,13}[A-Z0-9])?$` (API.md). */
export const NUMERO_INTERNE = /^[A-Z0-9]([A-Z0-9_]{0,13}[A-Z0-9])?$/;

/**
 * A numéro interne unique within the run: nature, two-digit year, the run tag (4 characters A-Z0-9),
 * `_`, the sequence number in base 36 on six characters, e.g. `DE26K3F9_00003Z` (15 characters).
 */
export function numeroInterne(nature: NatureAbbrev, year: number, runTag: string, sequence: number): string {
  if (!/^[A-Z0-9]{4}$/.test(runTag)) throw new Error(`run tag must be 4 characters A-Z0-9: ${runTag}`);
  const seq = sequence.toString(36).toUpperCase().padStart(6, '0');
  if (seq.length > 6) throw new Error(`sequence too large: ${sequence}`);
  return `${nature}${String(year % 100).padStart(2, '0')}${runTag}_${seq}`;
}

/** A run tag of 4 characters A-Z0-9 from any integer. */
export function runTag(seed: number): string {
  return (Math.abs(Math.trunc(seed)) % 36 ** 4).toString(36).toUpperCase().padStart(4, '0');
}

const RUES = ['rue Victor Hugo', 'avenue de la Libération', 'place de la République', 'rue Jean Jaurès', 'chemin des Vignes', 'rue du Moulin', 'quai Gambetta', 'rue Pasteur'];
const SERVICES = ["de l'eau et de l'assainissement", 'des transports scolaires', 'de la restauration collective', 'des ordures ménagères', "de l'éclairage public", 'du centre de loisirs'];
const EQUIPEMENTS = ['la salle des fêtes', "l'école élémentaire Jules Ferry", 'le gymnase municipal', 'la médiathèque', "la crèche « Les P'tits Loups »", 'le cimetière communal', "la station d'épuration"];
const ASSOCIATIONS = ['Comité des fêtes', 'Football Club', 'Amicale des sapeurs-pompiers', 'Harmonie municipale', 'Club des aînés', "Association des parents d'élèves"];
const GRADES = ['adjoint technique principal de 2e classe', 'rédacteur territorial', 'agent spécialisé principal des écoles maternelles', 'attaché territorial', 'adjoint administratif'];

type Template = (random: Random, ville: string, year: number) => string;

const TEMPLATES: Readonly<Record<NatureAbbrev, readonly Template[]>> = {
  DE: [
    (r, v, y) => `Approbation du budget primitif ${y} du service ${pick(r, SERVICES)} de la commune de ${v}`,
    (r, v) => `Attribution d'une subvention de fonctionnement de ${between(r, 3, 90) * 100} euros à l'association ${pick(r, ASSOCIATIONS)} de ${v}`,
    (r) => `Création d'un poste d'${pick(r, GRADES)} à temps complet et modification du tableau des effectifs`,
    (r) => `Fixation des tarifs ${pick(r, ['de la cantine scolaire', "de l'accueil périscolaire", 'des concessions funéraires', 'de location de ' + pick(r, EQUIPEMENTS)])} à compter du 1er septembre`,
    (r, v) => `Autorisation donnée au maire de signer la convention de mise à disposition de ${pick(r, EQUIPEMENTS)} avec la communauté de communes de ${v}`,
    (r) => `Acquisition amiable de la parcelle cadastrée section ${String.fromCharCode(65 + between(r, 0, 25))}${String.fromCharCode(65 + between(r, 0, 25))} n° ${between(r, 1, 999)} d'une contenance de ${between(r, 80, 9000)} m² pour l'aménagement d'un parc de stationnement`,
  ],
  AR: [
    (r, v) => `Arrêté municipal réglementant la circulation et le stationnement ${pick(r, RUES)} à ${v} pendant la durée des travaux de réfection de la chaussée`,
    (r) => `Arrêté portant réglementation temporaire du stationnement ${pick(r, RUES)} à l'occasion du marché de Noël`,
    (r) => `Arrêté fixant les horaires d'ouverture de ${pick(r, EQUIPEMENTS)} au public`,
    () => `Arrêté relatif à la lutte contre les bruits de voisinage et à l'usage des engins de jardinage`,
  ],
  AI: [
    (r) => `Arrêté portant nomination stagiaire d'un ${pick(r, GRADES)}`,
    (r) => `Arrêté accordant un avancement d'échelon à un ${pick(r, GRADES)}`,
    (r) => `Permis de construire n° PC ${between(r, 10_000, 99_999)} ${between(r, 20, 26)} ${between(r, 1, 999)} accordé pour l'extension d'une maison d'habitation ${pick(r, RUES)}`,
    (r) => `Arrêté d'alignement individuel au droit de la propriété sise ${between(r, 1, 120)} ${pick(r, RUES)}`,
  ],
  CC: [
    (r) => `Avenant n° ${between(r, 1, 5)} au marché de travaux de rénovation énergétique de ${pick(r, EQUIPEMENTS)}, lot ${between(r, 1, 12)}`,
    (r, v) => `Convention de partenariat avec l'association ${pick(r, ASSOCIATIONS)} de ${v} pour l'organisation de la fête patronale`,
    (r) => `Contrat de délégation du service public ${pick(r, SERVICES)} pour une durée de ${between(r, 5, 12)} ans`,
  ],
  BF: [
    (r, _v, y) => `Décision modificative n° ${between(r, 1, 4)} au budget principal de l'exercice ${y}`,
    (_r, _v, y) => `Compte administratif ${y - 1} et affectation du résultat de fonctionnement`,
    (r, _v, y) => `Budget primitif ${y} du budget annexe ${pick(r, SERVICES)}`,
  ],
  AU: [
    (r, v) => `Procès-verbal de la séance du conseil municipal de ${v} du ${between(r, 1, 28)} ${pick(r, ['janvier', 'mars', 'juin', 'septembre', 'novembre'])}`,
    (r) => `Compte rendu des décisions prises par le maire par délégation du conseil municipal (article L. 2122-22 du CGCT), ${between(r, 3, 25)} décisions`,
  ],
};

const PRECISIONS = [
  'après avis favorable de la commission des finances',
  "le conseil municipal, après en avoir délibéré, à l'unanimité des membres présents et représentés",
  'vu le code général des collectivités territoriales',
  'considérant la nécessité de garantir la sécurité des usagers',
  "les crédits nécessaires sont inscrits au budget de l'exercice en cours",
  "la présente décision peut faire l'objet d'un recours devant le tribunal administratif de Dijon dans un délai de deux mois",
];

/**
 * An objet of 1 to 499 characters, no line break, in ISO-8859-1 (the @ctes XML encoding: a typographic
 * apostrophe cannot be packaged): a template, sometimes followed by precisions.
 */
export function objet(random: Random, nature: NatureAbbrev, ville: string, year: number): string {
  let text = pick(random, TEMPLATES[nature])(random, ville, year);
  const extra = between(random, 0, 3);
  for (let i = 0; i < extra; i++) {
    const more = `${text} ; ${pick(random, PRECISIONS)}`;
    if (more.length > 499) break;
    text = more;
  }
  return text.replace(/[\r\n]+/g, ' ').slice(0, 499);
}

/** `YYYY-MM-DD`, UTC, `daysAgo` days before `now` (UTC is never ahead of Paris: never a future date there). */
export function decisionDate(now: Date, daysAgo: number): string {
  return new Date(now.getTime() - daysAgo * 86_400_000).toISOString().slice(0, 10);
}

/** A size in bytes between min and max, log-uniform (many small files, a few large ones). */
export function fileSize(random: Random, min: number, max: number): number {
  return Math.round(Math.exp(Math.log(min) + random() * (Math.log(max) - Math.log(min))));
}

/** How many annexes: none most of the time, one or two sometimes. */
export function annexeCount(random: Random): number {
  const r = random();
  return r < 0.6 ? 0 : r < 0.85 ? 1 : 2;
}

/** A classification for the nature: budgets prefer 7.1 when it exists (S²LOW accepts XML budgets only there). */
export function classificationFor(random: Random, nature: NatureAbbrev, codes: readonly string[]): string {
  if (nature === 'BF') {
    const budget = codes.filter((c) => c.startsWith('7.'));
    if (budget.length > 0) return pick(random, budget);
  }
  return pick(random, codes.length > 0 ? codes : FALLBACK_CLASSIFICATIONS);
}

/**
 * The classification codes (two levels or more) of `file`: the platform's JSON form ({version, codes})
 * or a préfecture's 7-2 XML; none when the file is missing.
 */
export function readClassificationCodes(file: string): string[] {
  if (!existsSync(file)) return [];
  return file.endsWith('.json')
    ? (((JSON.parse(readFileSync(file, 'utf8')) as { codes?: unknown }).codes as string[] | undefined) ?? []).filter((c) => c.includes('.'))
    : classificationsFromRetour(readFileSync(file, 'latin1'));
}
