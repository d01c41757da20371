import type { PesCheckContext } from '../aller/pes-aller.check.js';
import type { TripletGrid } from '../aller/triplet-grid.js';
import type { PesEncoding } from '../xml/xml-encoding.js';
import type { PesAllerSpec, PesBordereauSpec, PesPjSpec } from './pes-aller.generate.js';

/** The identifiers every generated file carries: a fictitious SIRET, the Hérault's paierie codique, a CodCol. */
export const PES_SAMPLE = {
  siret: '21349999900017',
  idPost: '034000',
  codCol: '123',
  codBud: '01',
  dteStr: '2026-03-15',
  exer: '2026',
} as const;

/** The context under which every shape passes: the sample's SIRET and poste, and the given grid. */
export function samplePesContext(triplets: TripletGrid, overrides: Partial<PesCheckContext> = {}): PesCheckContext {
  return { sirets: [PES_SAMPLE.siret], idPosts: [PES_SAMPLE.idPost], triplets, ...overrides };
}

/** A small original file for a PJ: a PDF-looking header and a line of Latin-1 text. */
export function samplePjBytes(label: string): Uint8Array {
  return Buffer.from(`%PDF-1.4\n% pièce justificative ${label}\n%%EOF\n`, 'latin1');
}

function base(encoding: PesEncoding, nomFic: string): PesAllerSpec {
  return {
    encoding,
    version: '1',
    typFic: 'PESALR2',
    nomFic,
    enTete: {
      dteStr: PES_SAMPLE.dteStr,
      idPost: PES_SAMPLE.idPost,
      idColl: PES_SAMPLE.siret,
      codCol: PES_SAMPLE.codCol,
      codBud: PES_SAMPLE.codBud,
      libelleColBud: 'COMMUNE DE SÈTE',
    },
  };
}

function depenseBordereaux(): PesBordereauSpec[] {
  return [
    {
      exer: PES_SAMPLE.exer,
      idBord: '101',
      typBord: '01',
      pieces: [
        { idPce: '1001', typPce: '01', natPce: '01', objet: "ÉLECTRICITÉ DE L'ÉCOLE" },
        { idPce: '1002', typPce: '01', natPce: '02', lignes: 2 },
      ],
    },
    { exer: PES_SAMPLE.exer, idBord: '102', typBord: '02', pieces: [{ idPce: '1003', typPce: '02', natPce: '06' }] },
  ];
}

function recetteBordereaux(): PesBordereauSpec[] {
  return [
    {
      exer: PES_SAMPLE.exer,
      idBord: '201',
      typBord: '01',
      pieces: [
        { idPce: '2001', typPce: '01', natPce: '01' },
        { idPce: '2002', typPce: '12', natPce: '05', objet: 'RÉGIE DE LA PISCINE' },
      ],
    },
  ];
}

function smallPjs(): PesPjSpec[] {
  return [
    { idUnique: 'PJ-2026-0001', nomPJ: 'facture-électricité.pdf', typePJ: '003', description: 'Facture', content: { bytes: samplePjBytes('1') } },
    { idUnique: 'PJ-2026-0002', nomPJ: 'devis.pdf', typePJ: '003', description: 'Devis', content: { bytes: samplePjBytes('2') }, lineLength: 76 },
  ];
}

/** Shapes of valid PES_Aller files: each passes `checkPesAller` under {@link samplePesContext}. */
export const pesAllerShapes = {
  /** Two dépense bordereaux (an ordinary one, an annulation), three mandats. */
  depense: (encoding: PesEncoding = 'ISO-8859-1'): PesAllerSpec => ({ ...base(encoding, 'PES_DEPENSE_0001.xml'), depense: depenseBordereaux() }),
  /** One recette bordereau, two titres (titres carry their identifiers right in BlocPiece). */
  recette: (encoding: PesEncoding = 'ISO-8859-1'): PesAllerSpec => ({ ...base(encoding, 'PES_RECETTE_0001.xml'), recette: recetteBordereaux() }),
  /** Two pièces justificatives and nothing else (one with its base64 wrapped in 76-character lines). */
  pjOnly: (encoding: PesEncoding = 'ISO-8859-1'): PesAllerSpec => ({ ...base(encoding, 'PES_PJ_0001.xml'), pjs: smallPjs() }),
  /** Dépense, recette and PJ together. */
  mixed: (encoding: PesEncoding = 'ISO-8859-1'): PesAllerSpec => ({
    ...base(encoding, 'PES_MIXTE_0001.xml'),
    depense: depenseBordereaux(),
    recette: recetteBordereaux(),
    pjs: smallPjs(),
  }),
  /** Only a marché block: not empty, in S²LOW's sense. */
  marcheOnly: (encoding: PesEncoding = 'ISO-8859-1'): PesAllerSpec => ({ ...base(encoding, 'PES_MARCHE_0001.xml'), marche: true }),
  /**
   * `bordereaux` dépense bordereaux of `piecesPerBordereau` mandats each (one line each), and one PJ
   * of pseudo-random content per entry of `pjSizes` (original size in bytes; base64 of gzip makes
   * each about 4/3 larger in the file).
   */
  large: (options: { bordereaux: number; piecesPerBordereau: number; pjSizes: readonly number[]; encoding?: PesEncoding }): PesAllerSpec => ({
    ...base(options.encoding ?? 'ISO-8859-1', 'PES_GRAND_0001.xml'),
    depense: Array.from({ length: options.bordereaux }, (_, b) => ({
      exer: PES_SAMPLE.exer,
      idBord: String(1000 + b),
      typBord: '01',
      pieces: Array.from({ length: options.piecesPerBordereau }, (_, p) => ({ idPce: String(100_000 + b * options.piecesPerBordereau + p), typPce: '01', natPce: '01' })),
    })),
    pjs: options.pjSizes.map((size, index) => ({
      idUnique: `PJ-GRANDE-${index + 1}`,
      nomPJ: `grande-${index + 1}.pdf`,
      typePJ: '003',
      description: `Pièce de ${size} octets`,
      content: { randomBytes: size, seed: index + 1 },
    })),
  }),
} as const;
