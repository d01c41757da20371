import { describe, expect, it } from '@jest/globals';
import { type PesAllerSummary, acquitOutcome, parsePesAcquit, parsePesNonAcquit } from '@relais/pes';

import { type PesAnswerSettings, type PesAnswered, answerPes } from './pes.answer.js';
import { randomSource } from './random.js';

const ACCEPT: PesAnswerSettings = { pesPartialRate: 0, pesNackRate: 0, pesNonAcquitRate: 0, pesErrorCode: undefined };
const DAY = '2026-03-16';

type Bordereau = PesAllerSummary['bordereaux'][number];
type Pj = PesAllerSummary['pjs'][number];

/** A bordereau; `exer` null for none. */
const bordereau = (domain: 'depense' | 'recette', idBord: string, exer: string | null = '2026'): Bordereau => ({
  domain,
  idBord,
  ...(exer === null ? {} : { exer }),
  line: 1,
  pieces: [],
});
const pj = (idUnique: string | undefined, contentOk = true): Pj => ({ ...(idUnique === undefined ? {} : { idUnique }), line: 1, contentOk, inflatedBytes: 10 });

function file(bordereaux: readonly Bordereau[], pjs: readonly Pj[], libelleColBud = 'COMMUNE DE SÈTE'): PesAnswered {
  return {
    nomFic: 'PES_MIXTE_0001.xml',
    enTete: { dteStr: '2026-03-15', idPost: '034000', idColl: '21349999900017', codCol: '123', codBud: '01', libelleColBud },
    summary: { bordereaux, pjs },
  };
}

const MIXED = file([bordereau('depense', '101'), bordereau('recette', '201')], [pj('PJ-1'), pj('PJ-2')]);

describe('answerPes', () => {
  it('acknowledges each bordereau (5 dépense, 6 recette) and each PJ (4), echoing the header', () => {
    const answer = answerPes(MIXED, ACCEPT, randomSource(1), DAY);
    expect(answer.kind).toBe('PES_Acquit');
    expect(answer.content.subarray(0, 44).toString('latin1')).toBe('<?xml version="1.0" encoding="ISO-8859-1"?>\n');
    const acquit = parsePesAcquit(answer.content);
    expect(acquit).toMatchObject({
      nomFic: 'PES_MIXTE_0001.xml',
      enTete: { dteStr: DAY, idPost: '034000', idColl: '21349999900017', codCol: '123', codBud: '01', libelleColBud: 'COMMUNE DE SÈTE' },
      hasAcquitBlock: true,
    });
    expect(acquit.elements.map((element) => [element.domaineAck, element.etatAck, element.bordereau ?? element.idUnique])).toEqual([
      ['5', true, { numBord: '101', exercice: '2026' }],
      ['6', true, { numBord: '201', exercice: '2026' }],
      ['4', true, 'PJ-1'],
      ['4', true, 'PJ-2'],
    ]);
    expect(acquitOutcome(acquit)).toBe('acknowledged');
  });

  it('answers a file with neither bordereau nor PJ by a PES_Acquit without ACQUIT block', () => {
    const acquit = parsePesAcquit(answerPes(file([], []), { ...ACCEPT, pesPartialRate: 1, pesNackRate: 1 }, randomSource(1), DAY).content);
    expect(acquit).toMatchObject({ hasAcquitBlock: false, elements: [] });
  });

  it('refuses every element at pesNackRate, with ERREUR_CODIFICATION for a bordereau and ERREUR_PJ for a PJ, or pesErrorCode', () => {
    const acquit = parsePesAcquit(answerPes(MIXED, { ...ACCEPT, pesNackRate: 1 }, randomSource(1), DAY).content);
    expect(acquit.elements.map((element) => [element.etatAck, element.errors.map((error) => error.code)])).toEqual([
      [false, ['ERREUR_CODIFICATION']],
      [false, ['ERREUR_CODIFICATION']],
      [false, ['ERREUR_PJ']],
      [false, ['ERREUR_PJ']],
    ]);
    expect(acquitOutcome(acquit)).toBe('nacked');
    const coded = parsePesAcquit(answerPes(MIXED, { ...ACCEPT, pesNackRate: 1, pesErrorCode: 'ERREUR_DOUBLON_BORDEREAU' }, randomSource(1), DAY).content);
    expect(coded.elements.flatMap((element) => element.errors.map((error) => error.code))).toEqual(Array(4).fill('ERREUR_DOUBLON_BORDEREAU'));
  });

  it('at pesPartialRate refuses at least one element and accepts at least one, whatever the draws', () => {
    for (let seed = 0; seed < 50; seed += 1) {
      for (const answered of [MIXED, file([bordereau('depense', '101')], [pj('PJ-1')])]) {
        const acquit = parsePesAcquit(answerPes(answered, { ...ACCEPT, pesPartialRate: 1 }, randomSource(seed), DAY).content);
        expect(acquitOutcome(acquit)).toBe('partially_accepted');
        for (const element of acquit.elements) expect(element.errors.length).toBe(element.etatAck ? 0 : 1);
      }
    }
  });

  it('cannot answer one element in part: it stays accepted', () => {
    const acquit = parsePesAcquit(answerPes(file([bordereau('depense', '101')], []), { ...ACCEPT, pesPartialRate: 1 }, randomSource(1), DAY).content);
    expect(acquitOutcome(acquit)).toBe('acknowledged');
  });

  it('refuses the file as a whole at pesNonAcquitRate, ERREUR_SIRET unless pesErrorCode says otherwise', () => {
    const answer = answerPes(MIXED, { ...ACCEPT, pesNonAcquitRate: 1, pesNackRate: 1 }, randomSource(1), DAY);
    expect(answer.kind).toBe('PES_NonAcquit');
    expect(parsePesNonAcquit(answer.content)).toMatchObject({
      nomFic: 'PES_MIXTE_0001.xml',
      enTete: { idColl: '21349999900017', codCol: '123', idPost: '034000' },
      errors: [{ code: 'ERREUR_SIRET' }],
    });
    const coded = answerPes(MIXED, { ...ACCEPT, pesNonAcquitRate: 1, pesErrorCode: 'ERREUR_CODIQUE' }, randomSource(1), DAY);
    expect(parsePesNonAcquit(coded.content).errors).toEqual([{ code: 'ERREUR_CODIQUE', label: expect.any(String) }]);
  });

  it('refuses whatever the settings a bordereau or PJ it cannot identify, and a PJ whose content does not decode', () => {
    const flawed = file([bordereau('depense', 'B-1'), bordereau('recette', '201', null), bordereau('depense', '102')], [pj(undefined), pj('PJ-X', false)]);
    const acquit = parsePesAcquit(answerPes(flawed, ACCEPT, randomSource(1), DAY).content);
    expect(acquit.elements.map((element) => [element.domaineAck, element.etatAck, element.errors.map((error) => error.code)])).toEqual([
      ['5', false, ['ERREUR_SCHEMA_INCOMPLET']],
      ['6', false, ['ERREUR_SCHEMA_INCOMPLET']],
      ['5', true, []],
      ['4', false, ['ERREUR_SCHEMA_INCOMPLET']],
      ['4', false, ['ERREUR_PJ']],
    ]);
    expect(acquit.elements[4]?.idUnique).toBe('PJ-X');
  });

  it('leaves out a LibelleColBud ISO-8859-1 cannot carry (from a UTF-8 file)', () => {
    const acquit = parsePesAcquit(answerPes(file([bordereau('depense', '101')], [], 'RÉGIE € 2026'), ACCEPT, randomSource(1), DAY).content);
    expect(acquit.enTete.libelleColBud).toBeUndefined();
    expect(acquit.elements).toHaveLength(1);
  });

  it('replays the same answers from the same seed', () => {
    const settings = { ...ACCEPT, pesPartialRate: 0.5, pesNackRate: 0.2, pesNonAcquitRate: 0.2 };
    const run = (): string[] => {
      const random = randomSource(42);
      return Array.from({ length: 20 }, () => answerPes(MIXED, settings, random, DAY).content.toString('latin1'));
    };
    expect(run()).toEqual(run());
  });
});
