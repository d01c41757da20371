import type { PesEncoding } from '../xml/xml-encoding.js';
import type { PjContentProblem } from './pj-content.verify.js';

/** The namespace of the `PES_Aller` root element (DOMAIN.md §2.1). */
export const PES_ALLER_NAMESPACE = 'http://www.minefi.gouv.fr/cp/helios/pes_v2/Rev0/aller';

/** The two domains whose bordereaux carry pièces: mandats (dépense) and titres (recette). */
export type PesDomain = 'depense' | 'recette';

/** One pièce (mandat or titre) of a bordereau: only what the triplet check needs. */
export interface PesPieceSummary {
  readonly idPce?: string;
  readonly typPce?: string;
  readonly natPce?: string;
  /** Line of the `Piece` start tag. */
  readonly line: number;
}

/** One bordereau of `PES_DepenseAller` or `PES_RecetteAller`, from its `BlocBordereau`. */
export interface PesBordereauSummary {
  readonly domain: PesDomain;
  /** The `Id` attribute, which the bordereau's XAdES signature references. */
  readonly id?: string;
  readonly exer?: string;
  readonly idBord?: string;
  readonly typBord?: string;
  /** `NbrPce` as written (the number of pièces the bordereau declares). */
  readonly nbrPce?: string;
  /** Line of the `Bordereau` start tag. */
  readonly line: number;
  readonly pieces: readonly PesPieceSummary[];
}

/** One pièce justificative of `PES_PJ`. */
export interface PesPjSummary {
  readonly idUnique?: string;
  readonly nomPJ?: string;
  readonly typePJ?: string;
  /** `Contenu/Fichier@MIMEType`. */
  readonly mimeType?: string;
  /** Line of the `PJ` start tag. */
  readonly line: number;
  /** Whether `Contenu/Fichier` decodes from base64 and gunzips to the end (always false when verification is off). */
  readonly contentOk: boolean;
  /** Why the content is not usable, when it is not. */
  readonly contentProblem?: PjContentProblem;
  /** Size of the original file, once gunzipped. */
  readonly inflatedBytes: number;
}

/** The `EnTetePES` identifiers (DOMAIN.md §2.2), as written. */
export interface PesEnTeteSummary {
  readonly dteStr?: string;
  readonly idPost?: string;
  readonly idColl?: string;
  readonly codCol?: string;
  readonly codBud?: string;
  readonly libelleColBud?: string;
  readonly finJur?: string;
}

/** `Enveloppe/Parametres`. */
export interface PesEnveloppeSummary {
  readonly version?: string;
  readonly typFic?: string;
  readonly nomFic?: string;
}

/** The fields whose line the summary keeps, for the checks to point at. */
export type PesFieldName = keyof PesEnveloppeSummary | keyof PesEnTeteSummary;

/** Which blocks the root holds, besides `Enveloppe` and `EnTetePES`. */
export interface PesBlocks {
  readonly depense: boolean;
  readonly recette: boolean;
  readonly pj: boolean;
  /** A `PES_Marche` block (name from S²LOW's « ni bordereau, ni PJ, ni marché » check; not in the v4.71 schema). */
  readonly marche: boolean;
  /** A `PES_Budget` block (budget documents). */
  readonly budget: boolean;
  /** A `PES_Facture` block. */
  readonly facture: boolean;
  /** A whole-file `ds:Signature`. */
  readonly signature: boolean;
  /** Any other child of the root, by qualified name and line (at most 20 kept): the schema allows none. */
  readonly other: readonly { readonly name: string; readonly line: number }[];
}

/** What {@link readPesAller} gathered from a PES_Aller: all the operator checks need, and no content. */
export interface PesAllerSummary {
  /** The encoding the file was decoded with: the declared one, or UTF-8 when none is declared. */
  readonly encoding: PesEncoding;
  /** The encoding the XML declaration names, normalised; undefined when the file declares none. */
  readonly declaredEncoding: PesEncoding | undefined;
  readonly root: { readonly name: string; readonly namespace: string; readonly id?: string };
  readonly enveloppe: PesEnveloppeSummary;
  readonly enTete: PesEnTeteSummary;
  /** Line of each enveloppe and header field that is present. */
  readonly lines: Readonly<Partial<Record<PesFieldName, number>>>;
  readonly bordereaux: readonly PesBordereauSummary[];
  readonly pjs: readonly PesPjSummary[];
  readonly blocks: PesBlocks;
  /** Bytes read from the source. */
  readonly bytes: number;
}

/** How {@link readPesAller} reads. */
export interface ReadPesAllerOptions {
  /** Whether each PJ's content is decoded and gunzipped (default true); when false every `contentOk` is false. */
  readonly verifyPjContent?: boolean;
  /** Past this many bytes of original file, a PJ's content is refused as `too_large` (default 1 GiB). */
  readonly maxInflatedPjBytes?: number;
  /** Size of the pieces the input is cut into before decoding (default 64 KiB); bounds each decoded string. */
  readonly pieceBytes?: number;
}
