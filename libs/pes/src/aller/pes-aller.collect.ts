import type { SaxesTagNS } from 'saxes';
import type { PesEncoding } from '../xml/xml-encoding.js';
import { ownString } from '../xml/xml-text.js';
import type {
  PesAllerSummary,
  PesBlocks,
  PesBordereauSummary,
  PesDomain,
  PesEnTeteSummary,
  PesEnveloppeSummary,
  PesFieldName,
  PesPieceSummary,
  PesPjSummary,
} from './pes-aller.types.js';
import type { PjContentVerdict } from './pj-content.verify.js';

const MAX_OTHER_BLOCKS = 20;

const ENVELOPPE_FIELDS: Readonly<Record<string, keyof PesEnveloppeSummary>> = { Version: 'version', TypFic: 'typFic', NomFic: 'nomFic' };
const EN_TETE_FIELDS: Readonly<Record<string, keyof PesEnTeteSummary>> = {
  DteStr: 'dteStr',
  IdPost: 'idPost',
  IdColl: 'idColl',
  CodCol: 'codCol',
  CodBud: 'codBud',
  LibelleColBud: 'libelleColBud',
  FinJur: 'finJur',
};
const DOMAIN_BLOCKS: Readonly<Record<string, PesDomain>> = { PES_DepenseAller: 'depense', PES_RecetteAller: 'recette' };
const FLAGGED_BLOCKS: Readonly<Record<string, Exclude<keyof PesBlocks, 'other'>>> = {
  PES_DepenseAller: 'depense',
  PES_RecetteAller: 'recette',
  PES_PJ: 'pj',
  PES_Marche: 'marche',
  PES_Budget: 'budget',
  PES_Facture: 'facture',
  Signature: 'signature',
};

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface MutableBordereau extends Mutable<Omit<PesBordereauSummary, 'pieces'>> {
  pieces: PesPieceSummary[];
}

/** A PJ being read; its content verdict arrives once zlib has finished. */
export interface CollectedPj extends Mutable<Omit<PesPjSummary, 'contentOk' | 'contentProblem' | 'inflatedBytes'>> {
  verdict?: PjContentVerdict;
}

/**
 * Gathers the summary of a PES_Aller from its start and end tags: which element a tag is follows from
 * the local names of the open elements (`stack`, root first, the tag itself last). Keeps one short
 * string per value, copied off the input (see `ownString`).
 */
export class PesAllerCollector {
  private root: Mutable<PesAllerSummary['root']> = { name: '', namespace: '' };
  private readonly enveloppe: Mutable<PesEnveloppeSummary> = {};
  private readonly enTete: Mutable<PesEnTeteSummary> = {};
  private readonly lines: Partial<Record<PesFieldName, number>> = {};
  private readonly bordereaux: MutableBordereau[] = [];
  private readonly pjs: CollectedPj[] = [];
  private readonly blocks: Mutable<Omit<PesBlocks, 'other'>> & { other: { name: string; line: number }[] } = {
    depense: false,
    recette: false,
    pj: false,
    marche: false,
    budget: false,
    facture: false,
    signature: false,
    other: [],
  };
  private bordereau: MutableBordereau | undefined;
  private piece: Mutable<PesPieceSummary> | undefined;
  private pj: CollectedPj | undefined;
  /** Whether the current PJ's `Contenu/Fichier` was met: only the first one is verified. */
  private pjContentSeen = false;

  /** Takes in a start tag; returns the PJ whose `Contenu/Fichier` this tag opens, if it does. */
  open(tag: SaxesTagNS, stack: readonly string[], line: number): CollectedPj | undefined {
    const depth = stack.length - 1;
    const name = tag.local;
    if (depth === 0) {
      const id = tag.attributes.Id?.value;
      this.root = { name: ownString(name), namespace: ownString(tag.uri), ...(id === undefined ? {} : { id: ownString(id) }) };
      return undefined;
    }
    if (depth === 1) {
      this.openBlock(name, tag.name, line);
      return undefined;
    }
    const value = tag.attributes.V?.value;
    const block = stack[1];
    if (block === 'Enveloppe') {
      const field = ENVELOPPE_FIELDS[name];
      if (depth === 3 && stack[2] === 'Parametres' && field !== undefined) this.field(this.enveloppe, field, value, line);
    } else if (block === 'EnTetePES') {
      const field = EN_TETE_FIELDS[name];
      if (depth === 2 && field !== undefined) this.field(this.enTete, field, value, line);
    } else if (block === 'PES_DepenseAller' || block === 'PES_RecetteAller') {
      this.openInBordereaux(tag, stack, value, line);
    } else if (block === 'PES_PJ') {
      return this.openInPjs(tag, stack, value, line);
    }
    return undefined;
  }

  /** Takes in an end tag; `stack` still holds the element being closed, last. */
  close(stack: readonly string[]): void {
    const depth = stack.length - 1;
    const name = stack[depth];
    const block = stack[1];
    if (block === 'PES_PJ' && depth === 2 && name === 'PJ' && this.pj !== undefined) {
      this.pjs.push(this.pj);
      this.pj = undefined;
    } else if ((block === 'PES_DepenseAller' || block === 'PES_RecetteAller') && this.bordereau !== undefined) {
      if (depth === 3 && name === 'Piece' && this.piece !== undefined) {
        this.bordereau.pieces.push(this.piece);
        this.piece = undefined;
      } else if (depth === 2 && name === 'Bordereau') {
        this.bordereaux.push(this.bordereau);
        this.bordereau = undefined;
      }
    }
  }

  /** The summary, once every verdict is in; a PJ without `Contenu/Fichier` gets `empty` when content is verified. */
  summary(encoding: PesEncoding, declaredEncoding: PesEncoding | undefined, bytes: number, contentVerified: boolean): PesAllerSummary {
    const pjs = this.pjs.map(({ verdict, ...pj }): PesPjSummary => {
      const problem = verdict === undefined ? (contentVerified ? 'empty' : undefined) : verdict.problem;
      return {
        ...pj,
        contentOk: verdict?.ok ?? false,
        ...(problem === undefined ? {} : { contentProblem: problem }),
        inflatedBytes: verdict?.inflatedBytes ?? 0,
      };
    });
    const { root, enveloppe, enTete, lines, bordereaux, blocks } = this;
    return { encoding, declaredEncoding, root, enveloppe, enTete, lines, bordereaux, pjs, blocks, bytes };
  }

  private field<T extends object>(into: T, field: keyof T & PesFieldName, value: string | undefined, line: number): void {
    if (into[field] !== undefined) return;
    (into as Record<string, string>)[field] = ownString(value ?? '');
    this.lines[field] = line;
  }

  private openBlock(name: string, qualifiedName: string, line: number): void {
    if (name === 'Enveloppe' || name === 'EnTetePES') return;
    const flag = FLAGGED_BLOCKS[name];
    if (flag !== undefined) this.blocks[flag] = true;
    else if (this.blocks.other.length < MAX_OTHER_BLOCKS) this.blocks.other.push({ name: ownString(qualifiedName), line });
  }

  private openInBordereaux(tag: SaxesTagNS, stack: readonly string[], value: string | undefined, line: number): void {
    const depth = stack.length - 1;
    const name = tag.local;
    if (depth === 2) {
      if (name !== 'Bordereau') return;
      const id = tag.attributes.Id?.value;
      this.bordereau = { domain: DOMAIN_BLOCKS[stack[1] ?? ''] ?? 'depense', ...(id === undefined ? {} : { id: ownString(id) }), line, pieces: [] };
      return;
    }
    const bordereau = this.bordereau;
    if (bordereau === undefined || stack[2] !== 'Bordereau') return;
    if (depth === 3 && name === 'Piece') {
      this.piece = { line };
      return;
    }
    if (depth === 4 && stack[3] === 'BlocBordereau' && value !== undefined) {
      if (name === 'Exer') bordereau.exer ??= ownString(value);
      else if (name === 'IdBord') bordereau.idBord ??= ownString(value);
      else if (name === 'TypBord') bordereau.typBord ??= ownString(value);
      else if (name === 'NbrPce') bordereau.nbrPce ??= ownString(value);
      return;
    }
    // IdPce/TypPce/NatPce sit in BlocPiece for a titre (recette), in BlocPiece/InfoPce for a mandat (dépense).
    const piece = this.piece;
    const inBlocPiece = stack[3] === 'Piece' && stack[4] === 'BlocPiece' && (depth === 5 || (depth === 6 && stack[5] === 'InfoPce'));
    if (piece === undefined || !inBlocPiece || value === undefined) return;
    if (name === 'IdPce') piece.idPce ??= ownString(value);
    else if (name === 'TypPce') piece.typPce ??= ownString(value);
    else if (name === 'NatPce') piece.natPce ??= ownString(value);
  }

  private openInPjs(tag: SaxesTagNS, stack: readonly string[], value: string | undefined, line: number): CollectedPj | undefined {
    const depth = stack.length - 1;
    const name = tag.local;
    if (depth === 2) {
      if (name === 'PJ') {
        this.pj = { line };
        this.pjContentSeen = false;
      }
      return undefined;
    }
    const pj = this.pj;
    if (pj === undefined || stack[2] !== 'PJ') return undefined;
    if (depth === 3 && value !== undefined) {
      if (name === 'IdUnique') pj.idUnique ??= ownString(value);
      else if (name === 'NomPJ') pj.nomPJ ??= ownString(value);
      else if (name === 'TypePJ') pj.typePJ ??= ownString(value);
      return undefined;
    }
    if (depth !== 4 || name !== 'Fichier' || stack[3] !== 'Contenu' || this.pjContentSeen) return undefined;
    this.pjContentSeen = true;
    const mimeType = tag.attributes.MIMEType?.value;
    if (mimeType !== undefined) pj.mimeType = ownString(mimeType);
    return pj;
  }
}
