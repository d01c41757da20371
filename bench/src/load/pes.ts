/**
 * One PES_Aller to submit, drawn for one of the collectivité's Hélios budgets: dépense, recette, both
 * with PJ, or PJ only; a few bordereaux of tens of pièces, some PJ of tens of KB; ISO-8859-1 as S²LOW
 * requires. The draw is pure given the random source; the bytes come from `@relais/pes/testing`.
 */
import { pesAllerBuffer, type PesAllerSpec, type PesBordereauSpec, type PesPieceSpec, type PesPjSpec } from '@relais/pes/testing';
import { between, fileSize, pick, type Random } from './corpus.js';
import type { HeliosBudget } from './siren.js';

export type PesShape = 'depense' | 'recette' | 'mixed' | 'pj';

export interface PesContext {
  readonly random: Random;
  readonly now: Date;
  readonly runTag: string;
  /** The run's submission sequence: makes NomFic, IdBord, IdPce and IdUnique unique in the run. */
  readonly sequence: number;
  /** The collectivité's budgets (at least one): the file is for one of them. */
  readonly budgets: readonly HeliosBudget[];
  /** The collectivité's town, for LibelleColBud. */
  readonly ville: string;
}

export interface PesToSubmit {
  readonly budget: HeliosBudget;
  readonly shape: PesShape;
  readonly nomFic: string;
  readonly spec: PesAllerSpec;
}

/** The (TypPce, NatPce) of a mandat or titre, with its usual objet; every triplet is in the default grid. */
interface PieceKind {
  readonly typPce: string;
  readonly natPce: string;
  readonly objets: readonly string[];
}

const MANDATS: readonly PieceKind[] = [
  { typPce: '01', natPce: '01', objets: ['FOURNITURES DE BUREAU', "ÉLECTRICITÉ DE L'ÉCOLE", 'CARBURANT DES VÉHICULES', 'REPAS DE LA CANTINE', 'TÉLÉPHONIE ET INTERNET', 'ENTRETIEN DES ESPACES VERTS'] },
  { typPce: '01', natPce: '01', objets: ['ASSURANCE DES BÂTIMENTS', 'SUBVENTION AU COMITÉ DES FÊTES', 'LOCATION DE MATÉRIEL', 'CONTRAT DE MAINTENANCE CHAUFFAGE'] },
  { typPce: '01', natPce: '02', objets: ['TRAVAUX DE VOIRIE', 'ACQUISITION DE MOBILIER SCOLAIRE', 'RÉFECTION DE LA TOITURE DE LA MAIRIE'] },
  { typPce: '01', natPce: '11', objets: ['PAIE DU PERSONNEL TITULAIRE', 'INDEMNITÉS DES ÉLUS'] },
  { typPce: '09', natPce: '02', objets: ['MARCHÉ DE TRAVAUX - SITUATION', 'MARCHÉ DE RÉNOVATION ÉNERGÉTIQUE'] },
];
/** An annulation-réduction of a mandat (bordereau TypBord 02). */
const ANNULATION: PieceKind = { typPce: '02', natPce: '06', objets: ['ANNULATION PARTIELLE DE MANDAT', 'RÉDUCTION SUR FACTURE'] };
const TITRES: readonly PieceKind[] = [
  { typPce: '01', natPce: '01', objets: ['CANTINE SCOLAIRE', 'ACCUEIL PÉRISCOLAIRE', 'LOYER DU LOGEMENT COMMUNAL', 'CONCESSION FUNÉRAIRE', "REDEVANCE D'OCCUPATION DU DOMAINE PUBLIC"] },
  { typPce: '01', natPce: '02', objets: ["SUBVENTION DÉPARTEMENTALE D'ÉQUIPEMENT", 'FONDS DE COMPENSATION DE LA TVA'] },
  { typPce: '12', natPce: '05', objets: ['RÉGIE DE LA PISCINE', 'RÉGIE DE LA MÉDIATHÈQUE'] },
];
const BUDGET_LABELS: Readonly<Record<string, string>> = { '01': 'BUDGET PRINCIPAL', '02': 'EAU', '03': 'ASSAINISSEMENT' };
const PJ_KINDS = ['facture', 'devis', 'bon-de-commande', 'contrat', 'etat-de-frais', 'decompte'];

/** Dépense files are the most frequent, then recette; a few carry both, a few only pièces justificatives. */
function drawShape(random: Random): PesShape {
  const r = random();
  return r < 0.45 ? 'depense' : r < 0.7 ? 'recette' : r < 0.9 ? 'mixed' : 'pj';
}

/** `NomFic` of the `sequence`-th submission: `PESALR2_<SIRET>_<YYMMDD>_<run tag><sequence in base 36>.xml`, 44 characters. */
export function pesNomFic(siret: string, now: Date, runTag: string, sequence: number): string {
  const day = now.toISOString().slice(2, 10).replaceAll('-', '');
  return `PESALR2_${siret}_${day}_${runTag}${sequence.toString(36).toUpperCase().padStart(6, '0')}.xml`;
}

/** The latin-1 upper-case label of the budget (Texte38). */
function libelle(ville: string, codBud: string): string {
  return `${ville.toUpperCase()} - ${BUDGET_LABELS[codBud] ?? `BUDGET ${codBud}`}`.slice(0, 38);
}

export function drawPes(c: PesContext): PesToSubmit {
  const { random } = c;
  const budget = pick(random, c.budgets);
  const shape = drawShape(random);
  const exer = String(c.now.getUTCFullYear());
  // Numbers unique in the run: Hélios refuses a bordereau, pièce or PJ it already has (ERREUR_DOUBLON_*).
  let bordereauNumber = (c.sequence % 1_000_000) * 8;
  let pieceNumber = (c.sequence % 10_000) * 1000;
  const bordereau = (kinds: readonly PieceKind[], typBord: string, pieces: number): PesBordereauSpec => ({
    exer,
    idBord: String(++bordereauNumber),
    typBord,
    pieces: Array.from({ length: pieces }, (): PesPieceSpec => {
      const kind = pick(random, kinds);
      return { idPce: String(++pieceNumber), typPce: kind.typPce, natPce: kind.natPce, objet: pick(random, kind.objets), lignes: random() < 0.7 ? 1 : between(random, 2, 4) };
    }),
  });
  const depense = (): PesBordereauSpec[] => {
    const ordinary = Array.from({ length: between(random, 1, 4) }, () => bordereau(MANDATS, '01', between(random, 3, 25)));
    return random() < 0.15 ? [...ordinary, bordereau([ANNULATION], '02', between(random, 1, 2))] : ordinary;
  };
  const recette = (): PesBordereauSpec[] => Array.from({ length: between(random, 1, 3) }, () => bordereau(TITRES, '01', between(random, 2, 20)));
  const pjs = (typePJ: string): PesPjSpec[] =>
    Array.from({ length: between(random, 1, 4) }, (_, i): PesPjSpec => {
      const label = pick(random, PJ_KINDS);
      const size = fileSize(random, 8 * 1024, 96 * 1024);
      return {
        idUnique: `PJ-${c.runTag}-${c.sequence.toString(36).toUpperCase()}-${i + 1}`,
        nomPJ: `${label}-${i + 1}.pdf`,
        typePJ,
        description: `${label.replaceAll('-', ' ')} de ${size} octets`,
        // A scan: incompressible, so that the file carries about 4/3 of its size.
        content: { randomBytes: size, seed: between(random, 1, 2 ** 31 - 1) },
        ...(random() < 0.5 ? { lineLength: 76 } : {}),
      };
    });
  const depenseWithPj = shape === 'depense' && random() < 0.3;
  const nomFic = pesNomFic(budget.siret, c.now, c.runTag, c.sequence);
  const spec: PesAllerSpec = {
    encoding: 'ISO-8859-1',
    version: '1',
    typFic: 'PESALR2',
    nomFic,
    enTete: {
      dteStr: c.now.toISOString().slice(0, 10),
      idPost: budget.idPost,
      idColl: budget.siret,
      codCol: budget.codCol,
      codBud: budget.codBud,
      libelleColBud: libelle(c.ville, budget.codBud),
    },
    ...(shape === 'depense' || shape === 'mixed' ? { depense: depense() } : {}),
    ...(shape === 'recette' || shape === 'mixed' ? { recette: recette() } : {}),
    ...(shape === 'mixed' || shape === 'pj' || depenseWithPj ? { pjs: pjs(shape === 'depense' ? '003' : pick(random, ['002', '003'])) } : {}),
  };
  return { budget, shape, nomFic, spec };
}

/** The file's bytes: what `POST /api/v1/pes` carries. */
export function pesBytes(pes: PesToSubmit): Promise<Buffer> {
  return pesAllerBuffer(pes.spec);
}
