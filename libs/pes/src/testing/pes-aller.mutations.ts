import { gzipSync } from 'node:zlib';
import { PesErrorCode, type PesErrorLocation } from '../pes.errors.js';
import { pesAllerBuffer, type PesAllerSpec, type PesBordereauSpec, type PesPjSpec } from './pes-aller.generate.js';
import { samplePjBytes } from './pes-aller.shapes.js';

/** The SIRET the mutations use for « another collectivité ». */
export const OTHER_SIRET = '21340172201787';

/** The one problem an invalid file must be reported for: its code, and where when the rule says where. */
export interface ExpectedPesError {
  readonly code: PesErrorCode;
  readonly field?: string;
  readonly location?: PesErrorLocation;
}

/** An invalid PES_Aller and the problem it must be reported for (by the reader or by the checks). */
export interface InvalidPesAller {
  readonly bytes: Buffer;
  readonly expected: ExpectedPesError;
}

/** Breaks one rule in a valid spec (any of `pesAllerShapes`; the mixed one has something for every rule). */
export type PesAllerMutation = (base: PesAllerSpec) => Promise<InvalidPesAller>;

/** The 1-based line of the `occurrence`-th `marker` (counted from 1) in `bytes`, or of the `before` that precedes it. */
export function lineOf(bytes: Buffer, marker: string, options: { occurrence?: number; before?: string } = {}): number {
  const text = bytes.toString('latin1');
  let at = -1;
  for (let n = 0; n < (options.occurrence ?? 1); n++) {
    at = text.indexOf(marker, at + 1);
    if (at === -1) throw new Error(`marker ${marker} not found in the generated file`);
  }
  if (options.before !== undefined) at = text.lastIndexOf(options.before, at);
  return text.slice(0, at).split('\n').length;
}

const build = async (spec: PesAllerSpec, expected: (bytes: Buffer) => ExpectedPesError): Promise<InvalidPesAller> => {
  const bytes = await pesAllerBuffer(spec);
  return { bytes, expected: expected(bytes) };
};

const header = (base: PesAllerSpec, field: keyof PesAllerSpec['enTete'], value: string | undefined): PesAllerSpec => ({
  ...base,
  enTete: { ...base.enTete, [field]: value },
});

function firstBordereau(base: PesAllerSpec): { domain: 'depense' | 'recette'; bordereau: PesBordereauSpec } {
  const depense = base.depense?.[0];
  if (depense !== undefined) return { domain: 'depense', bordereau: depense };
  const recette = base.recette?.[0];
  if (recette !== undefined) return { domain: 'recette', bordereau: recette };
  throw new Error('this mutation needs a spec with a bordereau');
}

function withFirstPiece(base: PesAllerSpec, change: (piece: PesBordereauSpec['pieces'][number]) => PesBordereauSpec['pieces'][number]): PesAllerSpec {
  const { domain, bordereau } = firstBordereau(base);
  const [first, ...others] = bordereau.pieces;
  if (first === undefined) throw new Error('this mutation needs a bordereau with a pièce');
  const changed: PesBordereauSpec = { ...bordereau, pieces: [change(first), ...others] };
  const list = base[domain] ?? [];
  return { ...base, [domain]: [changed, ...list.slice(1)] };
}

function pieceError(base: PesAllerSpec): (bytes: Buffer) => ExpectedPesError {
  const { bordereau } = firstBordereau(base);
  const idPce = bordereau.pieces[0]?.idPce ?? '';
  return (bytes) => ({
    code: PesErrorCode.TripletNotAllowed,
    location: { bordereau: bordereau.idBord, piece: idPce, line: lineOf(bytes, `<IdPce V="${idPce}"/>`, { before: '<Piece>' }) },
  });
}

function withPjContent(base: PesAllerSpec, fichier: string): PesAllerSpec {
  const [first, ...others] = base.pjs ?? [];
  const pj: PesPjSpec = { ...(first ?? { idUnique: 'PJ-MUTEE', nomPJ: 'mutee.pdf', content: { fichier } }), content: { fichier } };
  return { ...base, pjs: [pj, ...others] };
}

function pjContentError(spec: PesAllerSpec): (bytes: Buffer) => ExpectedPesError {
  const idUnique = spec.pjs?.[0]?.idUnique ?? '';
  return (bytes) => ({
    code: PesErrorCode.PjContentInvalid,
    field: 'PES_PJ/PJ/Contenu/Fichier',
    location: { pj: idUnique, line: lineOf(bytes, `<IdUnique V="${idUnique}"/>`, { before: '<PJ>' }) },
  });
}

const headerLine = (tag: string) => (bytes: Buffer) => ({ line: lineOf(bytes, `<${tag} V=`) });

/**
 * One invalid file per rule of the reader and of `checkPesAller`, each made from a valid spec by
 * breaking that rule only, with the problem it must be reported for (and only that one, under
 * `samplePesContext`).
 */
export const pesAllerMutations = {
  /** A DOCTYPE (declaring an entity) on line 2. */
  doctype: (base) =>
    build({ ...base, prolog: '<!DOCTYPE PES_Aller [<!ENTITY x "boom">]>\n' }, () => ({ code: PesErrorCode.DoctypeForbidden, location: { line: 2 } })),
  /** A stray end tag right after the header. */
  malformed: (base) =>
    build({ ...base, afterEnTete: ' </Intrus>\n' }, (bytes) => ({ code: PesErrorCode.MalformedXml, location: { line: lineOf(bytes, '</Intrus>') } })),
  /** An encoding other than ISO-8859-1 and UTF-8 declared. */
  encodingUnsupported: (base) =>
    build({ ...base, encoding: 'ISO-8859-1', declaration: '<?xml version="1.0" encoding="windows-1252"?>' }, () => ({
      code: PesErrorCode.EncodingUnsupported,
      location: { line: 1 },
    })),
  /** Latin-1 bytes (`È`) in a file declared UTF-8. */
  encodingInvalid: (base) =>
    build({ ...header(base, 'libelleColBud', 'COMMUNE DE SÈTE'), encoding: 'ISO-8859-1', declaration: '<?xml version="1.0" encoding="UTF-8"?>' }, () => ({
      code: PesErrorCode.EncodingInvalid,
    })),
  /** A valid UTF-8 file, which the default context (ISO-8859-1 only, as S²LOW) does not accept. */
  encodingNotAccepted: (base) => build({ ...base, encoding: 'UTF-8' }, () => ({ code: PesErrorCode.EncodingNotAccepted, location: { line: 1 } })),
  /** No XML declaration at all: read as UTF-8, and no encoding declared. */
  encodingNotDeclared: (base) =>
    build({ ...base, encoding: 'UTF-8', declaration: null }, () => ({ code: PesErrorCode.EncodingNotAccepted, location: { line: 1 } })),
  /** Another root element. */
  notPesAller: (base) => build({ ...base, rootName: 'PES_Retour' }, () => ({ code: PesErrorCode.NotPesAller, location: { line: 1 } })),
  /** PES_Aller in the wrong namespace. */
  wrongNamespace: (base) =>
    build({ ...base, rootNamespace: 'http://www.minefi.gouv.fr/cp/helios/pes_v2/Rev0/retour' }, () => ({
      code: PesErrorCode.NotPesAller,
      location: { line: 1 },
    })),
  /** Enveloppe and header only. */
  empty: (base) =>
    build({ ...base, depense: undefined, recette: undefined, pjs: undefined, marche: false }, () => ({ code: PesErrorCode.Empty })),
  /** TypFic PESALR1. */
  typFic: (base) =>
    build({ ...base, typFic: 'PESALR1' }, (bytes) => ({
      code: PesErrorCode.TypFicInvalid,
      field: 'Enveloppe/Parametres/TypFic',
      location: headerLine('TypFic')(bytes),
    })),
  /** No NomFic. */
  nomFicMissing: (base) => build({ ...base, nomFic: undefined }, () => ({ code: PesErrorCode.NomFicMissing, field: 'Enveloppe/Parametres/NomFic' })),
  /** A 101-character NomFic. */
  nomFicTooLong: (base) =>
    build({ ...base, nomFic: `${'N'.repeat(97)}.xml` }, (bytes) => ({
      code: PesErrorCode.NomFicTooLong,
      field: 'Enveloppe/Parametres/NomFic',
      location: headerLine('NomFic')(bytes),
    })),
  /** An IdColl that is no SIRET. */
  idCollInvalid: (base) =>
    build(header(base, 'idColl', '2134999990001'), (bytes) => ({ code: PesErrorCode.IdCollInvalid, field: 'EnTetePES/IdColl', location: headerLine('IdColl')(bytes) })),
  /** Another collectivité's SIRET. */
  idCollUnknown: (base) =>
    build(header(base, 'idColl', OTHER_SIRET), (bytes) => ({ code: PesErrorCode.IdCollUnknown, field: 'EnTetePES/IdColl', location: headerLine('IdColl')(bytes) })),
  /** A four-character CodCol. */
  codColInvalid: (base) =>
    build(header(base, 'codCol', '1234'), (bytes) => ({ code: PesErrorCode.CodColInvalid, field: 'EnTetePES/CodCol', location: headerLine('CodCol')(bytes) })),
  /** A three-character CodBud. */
  codBudInvalid: (base) =>
    build(header(base, 'codBud', '012'), (bytes) => ({ code: PesErrorCode.CodBudInvalid, field: 'EnTetePES/CodBud', location: headerLine('CodBud')(bytes) })),
  /** No IdPost. */
  idPostInvalid: (base) => build(header(base, 'idPost', undefined), () => ({ code: PesErrorCode.IdPostInvalid, field: 'EnTetePES/IdPost' })),
  /** A poste comptable the collectivité does not deal with. */
  idPostUnknown: (base) =>
    build(header(base, 'idPost', '075000'), (bytes) => ({ code: PesErrorCode.IdPostUnknown, field: 'EnTetePES/IdPost', location: headerLine('IdPost')(bytes) })),
  /** The first pièce's NatPce out of every grid. */
  tripletNotAllowed: (base) => {
    const spec = withFirstPiece(base, (piece) => ({ ...piece, natPce: '99' }));
    return build(spec, pieceError(base));
  },
  /** The first pièce without TypPce. */
  tripletIncomplete: (base) => {
    const spec = withFirstPiece(base, (piece) => ({ ...piece, typPce: undefined }));
    return build(spec, pieceError(base));
  },
  /** A 51-character IdUnique. */
  pjIdUniqueInvalid: (base) => {
    const idUnique = 'X'.repeat(51);
    const [first, ...others] = base.pjs ?? [];
    const pj: PesPjSpec = { ...(first ?? { nomPJ: 'x.pdf', content: { bytes: samplePjBytes('x') } }), idUnique };
    return build({ ...base, pjs: [pj, ...others] }, (bytes) => ({
      code: PesErrorCode.PjIdUniqueInvalid,
      field: 'PES_PJ/PJ/IdUnique',
      location: { pj: idUnique, line: lineOf(bytes, `<IdUnique V="${idUnique}"/>`, { before: '<PJ>' }) },
    }));
  },
  /** A second PJ with the first one's IdUnique. */
  pjIdUniqueDuplicate: (base) => {
    const first: PesPjSpec = base.pjs?.[0] ?? { idUnique: 'PJ-DOUBLE', nomPJ: 'a.pdf', content: { bytes: samplePjBytes('a') } };
    const idUnique = first.idUnique ?? 'PJ-DOUBLE';
    const twin: PesPjSpec = { ...first, idUnique, nomPJ: 'jumelle.pdf' };
    return build({ ...base, pjs: [{ ...first, idUnique }, ...(base.pjs ?? []).slice(1), twin] }, (bytes) => ({
      code: PesErrorCode.PjIdUniqueDuplicate,
      field: 'PES_PJ/PJ/IdUnique',
      location: { pj: idUnique, line: lineOf(bytes, `<IdUnique V="${idUnique}"/>`, { occurrence: 2, before: '<PJ>' }) },
    }));
  },
  /** Content with characters outside base64. */
  pjContentNotBase64: (base) => {
    const spec = withPjContent(base, "Ceci n'est pas du base64 !");
    return build(spec, pjContentError(spec));
  },
  /** Valid base64 of bytes that are not gzip. */
  pjContentNotGzip: (base) => {
    const spec = withPjContent(base, Buffer.from(samplePjBytes('brute')).toString('base64'));
    return build(spec, pjContentError(spec));
  },
  /** A gzip stream cut short (its CRC and length trailer missing). */
  pjContentTruncated: (base) => {
    const gzip = gzipSync(samplePjBytes('tronquée'));
    const spec = withPjContent(base, gzip.subarray(0, gzip.length - 8).toString('base64'));
    return build(spec, pjContentError(spec));
  },
  /** An empty Fichier. */
  pjContentEmpty: (base) => {
    const spec = withPjContent(base, '\n    ');
    return build(spec, pjContentError(spec));
  },
} satisfies Record<string, PesAllerMutation>;

/** The name of one of {@link pesAllerMutations}. */
export type PesAllerMutationName = keyof typeof pesAllerMutations;
