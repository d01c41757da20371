import { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { createGzip, gzipSync } from 'node:zlib';
import { PES_ALLER_NAMESPACE } from '../aller/pes-aller.types.js';
import type { PesEncoding } from '../xml/xml-encoding.js';

/** One pièce (mandat or titre) to write, with `lignes` lines of pièce (default 1). */
export interface PesPieceSpec {
  readonly idPce: string;
  readonly typPce?: string;
  readonly natPce?: string;
  readonly objet?: string;
  readonly lignes?: number;
}

/** One bordereau to write; `nbrPce` defaults to the number of pièces. */
export interface PesBordereauSpec {
  readonly id?: string;
  readonly exer: string;
  readonly idBord: string;
  readonly typBord?: string;
  readonly nbrPce?: number;
  readonly pieces: readonly PesPieceSpec[];
}

/**
 * A PJ's content: the original file's bytes (gzipped then base64-encoded here), or that many bytes of
 * seeded pseudo-random data (incompressible, gzipped as a stream: for large files), or the literal text
 * of `Fichier` (written as is, unescaped: for invalid content).
 */
export type PesPjContentSpec =
  | { readonly bytes: Uint8Array }
  | { readonly randomBytes: number; readonly seed?: number }
  | { readonly fichier: string };

/** One PJ of `PES_PJ`; a field left undefined is not written. */
export interface PesPjSpec {
  readonly idUnique?: string;
  readonly nomPJ?: string;
  readonly typePJ?: string;
  readonly description?: string;
  readonly mimeType?: string;
  readonly content: PesPjContentSpec;
  /** Wrap the base64 in lines of this many characters (default: one line). */
  readonly lineLength?: number;
}

/** The `EnTetePES` values to write; a field left undefined is not written. */
export interface PesEnTeteSpec {
  readonly dteStr?: string;
  readonly idPost?: string;
  readonly idColl?: string;
  readonly codCol?: string;
  readonly codBud?: string;
  readonly libelleColBud?: string;
}

/**
 * A PES_Aller to generate: every value the file carries, plus raw hooks that break it on purpose.
 * A field left undefined is not written at all.
 */
export interface PesAllerSpec {
  readonly encoding: PesEncoding;
  /** The XML declaration line; default `<?xml version="1.0" encoding="<encoding>"?>`, null for none. */
  readonly declaration?: string | null;
  /** Raw text between the declaration and the root (a DOCTYPE, say). */
  readonly prolog?: string;
  readonly rootName?: string;
  readonly rootNamespace?: string;
  readonly version?: string;
  readonly typFic?: string;
  readonly nomFic?: string;
  readonly enTete: PesEnTeteSpec;
  /** Raw text written right after `</EnTetePES>` (to break well-formedness at a known line). */
  readonly afterEnTete?: string;
  readonly depense?: readonly PesBordereauSpec[];
  readonly recette?: readonly PesBordereauSpec[];
  /** Whether to write an (empty) `PES_Marche` block. */
  readonly marche?: boolean;
  readonly pjs?: readonly PesPjSpec[];
}

/** How {@link pesAllerStream} cuts its output. */
export interface PesAllerStreamOptions {
  /** Roughly the size of each chunk yielded (default 64 KiB). */
  readonly chunkBytes?: number;
}

/**
 * A PES_Aller as an async iterable of byte chunks, generated as it is read: memory stays at one chunk
 * (plus zlib's) however large the spec's PJ, so that a 50 MB file costs no 50 MB to produce.
 */
export async function* pesAllerStream(spec: PesAllerSpec, options: PesAllerStreamOptions = {}): AsyncGenerator<Uint8Array> {
  const chunkBytes = options.chunkBytes ?? 64 * 1024;
  const encoding = spec.encoding === 'ISO-8859-1' ? 'latin1' : 'utf8';
  let pending: string[] = [];
  let pendingLength = 0;
  for await (const text of renderPesAller(spec)) {
    pending.push(text);
    pendingLength += text.length;
    if (pendingLength >= chunkBytes) {
      yield encodeChecked(pending.join(''), encoding);
      pending = [];
      pendingLength = 0;
    }
  }
  if (pendingLength > 0) yield encodeChecked(pending.join(''), encoding);
}

/** A (small) PES_Aller in one Buffer. */
export async function pesAllerBuffer(spec: PesAllerSpec): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of pesAllerStream(spec)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** An async iterable over `bytes`, cut into chunks of `chunkBytes` (to feed a reader as a stream would). */
export async function* chunked(bytes: Uint8Array, chunkBytes = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.byteLength; offset += chunkBytes) {
    // Each chunk arrives on a later turn of the event loop, as from a real stream.
    await nextTurn();
    yield bytes.subarray(offset, offset + chunkBytes);
  }
}

function encodeChecked(text: string, encoding: 'latin1' | 'utf8'): Buffer {
  // A character above U+00FF would silently become another byte in ISO-8859-1: a generator bug, not a test case.
  if (encoding === 'latin1' && /[^\u0000-\u00ff]/.test(text)) throw new RangeError('the spec holds a character ISO-8859-1 has not');
  return Buffer.from(text, encoding);
}

const escape = (value: string): string => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const v = (indent: string, tag: string, value: string | undefined): string => (value === undefined ? '' : `${indent}<${tag} V="${escape(value)}"/>\n`);

/** The text of a PES_Aller, piece by piece. */
export async function* renderPesAller(spec: PesAllerSpec): AsyncGenerator<string> {
  const declaration = spec.declaration === undefined ? `<?xml version="1.0" encoding="${spec.encoding}"?>` : spec.declaration;
  const rootName = spec.rootName ?? 'PES_Aller';
  yield `${declaration === null ? '' : `${declaration}\n`}${spec.prolog ?? ''}`;
  yield `<n:${rootName} xmlns:n="${escape(spec.rootNamespace ?? PES_ALLER_NAMESPACE)}" Id="PES1">\n`;
  yield ' <Enveloppe>\n  <Parametres>\n' + v('   ', 'Version', spec.version) + v('   ', 'TypFic', spec.typFic) + v('   ', 'NomFic', spec.nomFic);
  yield '  </Parametres>\n  <Emetteur>\n   <Sigle V="RELAIS"/>\n  </Emetteur>\n  <Recepteur>\n   <Sigle V="HELIOS"/>\n  </Recepteur>\n </Enveloppe>\n';
  const t = spec.enTete;
  yield ' <EnTetePES>\n' +
    v('  ', 'DteStr', t.dteStr) +
    v('  ', 'IdPost', t.idPost) +
    v('  ', 'IdColl', t.idColl) +
    v('  ', 'CodCol', t.codCol) +
    v('  ', 'CodBud', t.codBud) +
    v('  ', 'LibelleColBud', t.libelleColBud) +
    ' </EnTetePES>\n';
  if (spec.afterEnTete !== undefined) yield spec.afterEnTete;
  if (spec.depense !== undefined) {
    yield ' <PES_DepenseAller>\n  <EnTeteDepense>\n   <IdVer V="1"/>\n   <InfoDematerialisee V="0"/>\n  </EnTeteDepense>\n';
    for (const bordereau of spec.depense) yield* renderBordereau(bordereau, 'depense');
    yield ' </PES_DepenseAller>\n';
  }
  if (spec.recette !== undefined) {
    yield ' <PES_RecetteAller>\n  <EnTeteRecette>\n   <IdVer V="2"/>\n   <InfoDematerialisee V="0"/>\n  </EnTeteRecette>\n';
    for (const bordereau of spec.recette) yield* renderBordereau(bordereau, 'recette');
    yield ' </PES_RecetteAller>\n';
  }
  if (spec.marche === true) yield ' <PES_Marche/>\n';
  if (spec.pjs !== undefined) {
    yield ' <PES_PJ>\n  <EnTetePES_PJ>\n   <IdVer V="1"/>\n  </EnTetePES_PJ>\n';
    for (const pj of spec.pjs) yield* renderPj(pj);
    yield ' </PES_PJ>\n';
  }
  yield `</n:${rootName}>\n`;
}

function* renderBordereau(bordereau: PesBordereauSpec, domain: 'depense' | 'recette'): Generator<string> {
  const total = bordereau.pieces.length * 100;
  yield `  <Bordereau Id="${escape(bordereau.id ?? `BORD${bordereau.idBord}`)}">\n   <BlocBordereau>\n` +
    v('    ', 'Exer', bordereau.exer) +
    v('    ', 'IdBord', bordereau.idBord) +
    v('    ', 'DteBordEm', `${bordereau.exer}-03-15`) +
    v('    ', 'TypBord', bordereau.typBord) +
    v('    ', 'NbrPce', String(bordereau.nbrPce ?? bordereau.pieces.length)) +
    (domain === 'depense' ? `    <MtCumulAnnuel V="${total}.00"/>\n    <MtBordHT V="${total}.00"/>\n` : `    <MtBordHt V="${total}.00"/>\n`) +
    '   </BlocBordereau>\n';
  for (const piece of bordereau.pieces) {
    const ids = (indent: string): string => v(indent, 'IdPce', piece.idPce) + v(indent, 'TypPce', piece.typPce) + v(indent, 'NatPce', piece.natPce);
    // A mandat's identifiers sit in BlocPiece/InfoPce, a titre's right in BlocPiece (the schemas differ).
    yield domain === 'depense'
      ? `   <Piece>\n    <BlocPiece>\n     <InfoPce>\n${ids('      ')}${v('      ', 'Obj', piece.objet ?? 'FOURNITURES DE BUREAU')}     </InfoPce>\n    </BlocPiece>\n`
      : `   <Piece>\n    <BlocPiece>\n${ids('     ')}${v('     ', 'ObjPce', piece.objet ?? "REDEVANCE D'OCCUPATION")}    </BlocPiece>\n`;
    for (let ligne = 1; ligne <= (piece.lignes ?? 1); ligne++) yield renderLigne(ligne, domain);
    yield '   </Piece>\n';
  }
  yield '  </Bordereau>\n';
}

function renderLigne(ligne: number, domain: 'depense' | 'recette'): string {
  const info =
    domain === 'depense'
      ? `      <InfoLignePce>\n       <IdLigne V="${ligne}"/>\n       <Nature V="6064"/>\n       <Fonction V="020"/>\n       <LibVir1 V="FACTURE ${ligne}"/>\n       <ModRegl V="03"/>\n       <MtHT V="100.00"/>\n      </InfoLignePce>\n`
      : `      <InfoLigneTitre>\n       <IdLigne V="${ligne}"/>\n       <Nature V="70323"/>\n       <Fonction V="020"/>\n       <MtHT V="100.00"/>\n      </InfoLigneTitre>\n`;
  return (
    `    <LigneDePiece>\n     <BlocLignePiece>\n${info}     </BlocLignePiece>\n` +
    '     <Tiers>\n      <InfoTiers>\n       <RefTiers V="811"/>\n       <CatTiers V="01"/>\n       <NatJur V="01"/>\n       <Nom V="SOCIÉTÉ DES EAUX DE L\'HÉRAULT"/>\n      </InfoTiers>\n' +
    '      <Adresse>\n       <TypAdr V="1"/>\n       <Adr2 V="1000 RUE DE LA RÉPUBLIQUE"/>\n       <CP V="34000"/>\n       <Ville V="MONTPELLIER"/>\n       <CodRes V="0"/>\n      </Adresse>\n     </Tiers>\n    </LigneDePiece>\n'
  );
}

async function* renderPj(pj: PesPjSpec): AsyncGenerator<string> {
  yield `  <PJ>\n   <Contenu>\n    <Fichier MIMEType="${escape(pj.mimeType ?? 'application/pdf')}">`;
  yield* wrap(base64Of(pj.content), pj.lineLength);
  yield '</Fichier>\n   </Contenu>\n' +
    v('   ', 'IdUnique', pj.idUnique) +
    v('   ', 'NomPJ', pj.nomPJ) +
    v('   ', 'TypePJ', pj.typePJ) +
    v('   ', 'Description', pj.description) +
    '  </PJ>\n';
}

async function* base64Of(content: PesPjContentSpec): AsyncGenerator<string> {
  if ('fichier' in content) {
    yield content.fichier;
    return;
  }
  if ('bytes' in content) {
    yield gzipSync(content.bytes).toString('base64');
    return;
  }
  // Base64 of the gzip stream, cut on multiples of 3 bytes so that no padding lands mid-stream.
  let carry = Buffer.alloc(0);
  for await (const chunk of Readable.from(pseudoRandomBytes(content.randomBytes, content.seed ?? 1)).pipe(createGzip({ level: 1 }))) {
    const bytes = Buffer.concat([carry, chunk as Buffer]);
    const usable = bytes.length - (bytes.length % 3);
    carry = bytes.subarray(usable);
    yield bytes.subarray(0, usable).toString('base64');
  }
  yield carry.toString('base64');
}

async function* wrap(pieces: AsyncIterable<string>, lineLength: number | undefined): AsyncGenerator<string> {
  if (lineLength === undefined) {
    yield* pieces;
    return;
  }
  let column = 0;
  for await (const piece of pieces) {
    let out = '';
    for (let i = 0; i < piece.length; ) {
      const take = Math.min(lineLength - column, piece.length - i);
      out += piece.slice(i, i + take);
      i += take;
      column += take;
      if (column === lineLength) {
        out += '\n';
        column = 0;
      }
    }
    yield out;
  }
}

/** `size` bytes of xorshift32 output from `seed`, in 64 KiB blocks: incompressible, and the same on every run. */
export function* pseudoRandomBytes(size: number, seed = 1): Generator<Buffer> {
  let state = seed >>> 0 || 1;
  for (let produced = 0; produced < size; ) {
    const length = Math.min(64 * 1024, size - produced);
    const words = new Uint32Array(Math.ceil(length / 4));
    for (let i = 0; i < words.length; i++) {
      state ^= state << 13;
      state >>>= 0;
      state ^= state >>> 17;
      state ^= state << 5;
      state >>>= 0;
      words[i] = state;
    }
    produced += length;
    yield Buffer.from(words.buffer, 0, length);
  }
}
