import { describe, expect, it } from '@jest/globals';
import { PesErrorCode } from '../pes.errors.js';
import {
  chunked,
  pesAllerBuffer,
  pesAllerMutations,
  pesAllerShapes,
  samplePesContext,
  type PesAllerMutationName,
} from '../testing/index.js';
import type { PesEncoding } from '../xml/xml-encoding.js';
import { checkPesAller } from './pes-aller.check.js';
import { readPesAller } from './pes-aller.read.js';
import { validatePesAller } from './pes-aller.validate.js';
import { loadTripletGrid } from './triplet-grid.js';

const grid = loadTripletGrid();
const context = samplePesContext(grid);
const anyEncoding = samplePesContext(grid, { encodings: ['ISO-8859-1', 'UTF-8'] });

describe('checkPesAller: valid shapes pass', () => {
  const shapes = ['depense', 'recette', 'pjOnly', 'mixed', 'marcheOnly'] as const;
  const encodings: readonly PesEncoding[] = ['ISO-8859-1', 'UTF-8'];
  it.each(shapes.flatMap((shape) => encodings.map((encoding) => [shape, encoding] as const)))('%s in %s', async (shape, encoding) => {
    const bytes = await pesAllerBuffer(pesAllerShapes[shape](encoding));
    const { summary, errors } = await validatePesAller(chunked(bytes, 97), encoding === 'UTF-8' ? anyEncoding : context);
    expect(errors).toEqual([]);
    expect(summary?.encoding).toBe(encoding);
    expect(summary?.declaredEncoding).toBe(encoding);
  });

  it('a large file with many pièces and a PJ of real gzip content passes', async () => {
    const spec = pesAllerShapes.large({ bordereaux: 5, piecesPerBordereau: 200, pjSizes: [300_000, 1] });
    const { summary, errors } = await validatePesAller(chunked(await pesAllerBuffer(spec), 10_000), context);
    expect(errors).toEqual([]);
    expect(summary?.bordereaux.map((b) => b.pieces.length)).toEqual([200, 200, 200, 200, 200]);
    expect(summary?.pjs.map((pj) => [pj.contentOk, pj.inflatedBytes])).toEqual([
      [true, 300_000],
      [true, 1],
    ]);
  });
});

describe('checkPesAller: one invalid file per rule, reported with its code and location', () => {
  const names = Object.keys(pesAllerMutations) as PesAllerMutationName[];
  it.each(names)('%s', async (name) => {
    const { bytes, expected } = await pesAllerMutations[name](pesAllerShapes.mixed());
    const { errors } = await validatePesAller(chunked(bytes, 1000), context);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject(expected);
    expect(errors[0]?.message.length).toBeGreaterThan(10);
  });

  it('every code of a rule the checks or the reader own has its mutation', async () => {
    const produced = new Set<string>();
    for (const mutation of Object.values(pesAllerMutations)) produced.add((await mutation(pesAllerShapes.mixed())).expected.code);
    const owned = Object.values(PesErrorCode).filter(
      (code) => !code.startsWith('PES.RETURN') && !code.startsWith('PES.BUILD') && code !== PesErrorCode.NomFicDuplicate,
    );
    expect(owned.filter((code) => !produced.has(code))).toEqual([]);
  });

  it('mutations apply to the other shapes too, wherever the rule has something to break', async () => {
    const { bytes, expected } = await pesAllerMutations.tripletNotAllowed(pesAllerShapes.recette());
    const { errors } = await validatePesAller(chunked(bytes), context);
    expect(errors).toEqual([expect.objectContaining(expected)]);
    expect(errors[0]?.message).toContain('recette');
    const pj = await pesAllerMutations.pjContentTruncated(pesAllerShapes.pjOnly());
    expect((await validatePesAller(chunked(pj.bytes), context)).errors).toEqual([expect.objectContaining(pj.expected)]);
  });
});

describe('checkPesAller: the rules in detail', () => {
  const summaryOf = async (shape: Exclude<keyof typeof pesAllerShapes, 'large'> = 'mixed') =>
    readPesAller(chunked(await pesAllerBuffer(pesAllerShapes[shape]())));

  it('reports every problem at once, in rule order', async () => {
    const summary = await summaryOf();
    const broken = {
      ...summary,
      enveloppe: { ...summary.enveloppe, typFic: 'PESORMC', nomFic: '' },
      enTete: { ...summary.enTete, codCol: undefined, idPost: '999999' },
    };
    expect(checkPesAller(broken, context).map((error) => error.code)).toEqual([
      PesErrorCode.TypFicInvalid,
      PesErrorCode.NomFicMissing,
      PesErrorCode.CodColInvalid,
      PesErrorCode.IdPostUnknown,
    ]);
  });

  it('takes the accepted TypFic and encodings from the context', async () => {
    const summary = await summaryOf();
    const ormc = { ...summary, enveloppe: { ...summary.enveloppe, typFic: 'PESORMC' } };
    expect(checkPesAller(ormc, { ...context, typFics: ['PESALR2', 'PESORMC'] })).toEqual([]);
    expect(checkPesAller({ ...summary, declaredEncoding: 'UTF-8' }, context).map((e) => e.code)).toEqual([PesErrorCode.EncodingNotAccepted]);
  });

  it('accepts a file without CodBud, refuses an empty one', async () => {
    const summary = await summaryOf();
    expect(checkPesAller({ ...summary, enTete: { ...summary.enTete, codBud: undefined } }, context)).toEqual([]);
    expect(checkPesAller({ ...summary, enTete: { ...summary.enTete, codBud: '' } }, context).map((e) => e.code)).toEqual([PesErrorCode.CodBudInvalid]);
  });

  it('refuses an IdPost longer than a codique, and an empty SIRET list refuses every IdColl', async () => {
    const summary = await summaryOf();
    expect(checkPesAller({ ...summary, enTete: { ...summary.enTete, idPost: '03400012' } }, context).map((e) => e.code)).toEqual([PesErrorCode.IdPostInvalid]);
    expect(checkPesAller(summary, { ...context, sirets: [] }).map((e) => e.code)).toEqual([PesErrorCode.IdCollUnknown]);
  });

  it('checks triplets per domain: a recette triplet in a dépense bordereau is refused', async () => {
    const summary = await summaryOf('recette');
    const asDepense = { ...summary, bordereaux: summary.bordereaux.map((b) => ({ ...b, domain: 'depense' as const })) };
    // 01-12-05 (ordre de recette, régie) is a recette combination only.
    expect(checkPesAller(asDepense, context)).toEqual([
      expect.objectContaining({ code: PesErrorCode.TripletNotAllowed, location: { bordereau: '201', piece: '2002', line: expect.any(Number) } }),
    ]);
  });

  it('a marché block alone is not empty; a PES_DepenseAller without bordereau is', async () => {
    expect(checkPesAller(await summaryOf('marcheOnly'), context)).toEqual([]);
    const summary = await summaryOf('depense');
    expect(checkPesAller({ ...summary, bordereaux: [] }, context).map((e) => e.code)).toEqual([PesErrorCode.Empty]);
  });

  it('answers a file that is not a PES_Aller with that problem alone', async () => {
    const summary = await summaryOf();
    const other = { ...summary, root: { name: 'PES_ACQUIT', namespace: 'x' }, enTete: {} };
    expect(checkPesAller(other, context)).toEqual([expect.objectContaining({ code: PesErrorCode.NotPesAller })]);
  });
});
