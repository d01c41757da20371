import { describe, expect, it } from '@jest/globals';
import { loadTripletGrid, PesErrorCode, type PesAllerSummary, type PesAllerValidation } from '@relais/pes';
import { nomFicKeyOf, pesCheckContext, pesErrors } from './pes-verdict.js';

const summary = (nomFic: string | undefined, codCol: string | undefined): PesAllerSummary => ({
  encoding: 'ISO-8859-1',
  declaredEncoding: 'ISO-8859-1',
  root: { name: 'PES_Aller', namespace: 'http://www.minefi.gouv.fr/cp/helios/pes_v2/Rev0/aller' },
  enveloppe: { typFic: 'PESALR2', ...(nomFic === undefined ? {} : { nomFic }) },
  enTete: { idPost: '034000', idColl: '21349999900017', ...(codCol === undefined ? {} : { codCol }) },
  lines: { nomFic: 7 },
  bordereaux: [],
  pjs: [],
  blocks: { depense: false, recette: false, pj: false, marche: true, budget: false, facture: false, signature: false, other: [] },
  bytes: 800,
});
const valid: PesAllerValidation = { summary: summary('PES_0001.xml', '123'), errors: [] };

describe('pesCheckContext', () => {
  it("takes the SIRETs and postes of the collectivité's budgets, each once, and both encodings", () => {
    const triplets = loadTripletGrid();
    const budgets = [
      { idPost: '034000', codCol: '123', codBud: '01', siret: '21349999900017' },
      { idPost: '034000', codCol: '124', codBud: '02', siret: '21349999900025' },
    ];
    expect(pesCheckContext(budgets, triplets)).toEqual({
      sirets: ['21349999900017', '21349999900025'],
      idPosts: ['034000'],
      triplets,
      encodings: ['ISO-8859-1', 'UTF-8'],
    });
  });
});

describe('nomFicKeyOf', () => {
  it('claims a NomFic under its CodCol, per collectivité; nothing for a file without both', () => {
    expect(nomFicKeyOf('213400001', valid)).toEqual({ siren: '213400001', codCol: '123', nomFic: 'PES_0001.xml' });
    expect(nomFicKeyOf('213400001', { summary: summary(' ', '123'), errors: [] })).toBeUndefined();
    expect(nomFicKeyOf('213400001', { summary: summary('PES_0001.xml', undefined), errors: [] })).toBeUndefined();
    expect(nomFicKeyOf('213400001', { summary: undefined, errors: [{ code: PesErrorCode.DoctypeForbidden, message: 'DOCTYPE' }] })).toBeUndefined();
  });
});

describe('pesErrors', () => {
  it('is empty for a valid file whose NomFic is free', () => {
    expect(pesErrors({ validation: valid })).toEqual([]);
  });

  it('adds PES.NOM_FIC_DUPLICATE after the other problems when another transmission holds the NomFic', () => {
    const validation: PesAllerValidation = {
      summary: valid.summary,
      errors: [{ code: PesErrorCode.CodBudInvalid, message: 'CodBud', field: 'EnTetePES/CodBud', location: { line: 21 } }],
    };
    expect(pesErrors({ validation, nomFicHolder: 't-1' })).toEqual([
      { code: 'PES.COD_BUD_INVALID', message: 'CodBud (ligne 21)', field: 'EnTetePES/CodBud@21' },
      {
        code: 'PES.NOM_FIC_DUPLICATE',
        message: 'le fichier « PES_0001.xml » a déjà été transmis sous le CodCol 123 (transmission t-1) (ligne 7)',
        field: 'Enveloppe/Parametres/NomFic@7',
      },
    ]);
  });
});
