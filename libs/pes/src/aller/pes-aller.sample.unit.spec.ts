import { describe, expect, it } from '@jest/globals';
import { createReadStream } from 'node:fs';
import { sharedPesSample } from '../../test/shared-data.js';
import { PesErrorCode } from '../pes.errors.js';
import { samplePesContext } from '../testing/index.js';
import { checkPesAller } from './pes-aller.check.js';
import { readPesAller } from './pes-aller.read.js';
import { loadTripletGrid } from './triplet-grid.js';

describe('the real PES_Aller sample (Pastell fixture, ../shared/data/pes)', () => {
  const read = () => readPesAller(createReadStream(sharedPesSample('PESALR2_signed_with_pj.xml')));

  it('reads its enveloppe, header, signed dépense bordereau and pièce', async () => {
    const summary = await read();
    expect(summary).toMatchObject({
      encoding: 'ISO-8859-1',
      declaredEncoding: 'ISO-8859-1',
      root: { name: 'PES_Aller', namespace: 'http://www.minefi.gouv.fr/cp/helios/pes_v2/Rev0/aller', id: 'ID1976964191' },
      enveloppe: { version: '1', typFic: 'PESALR2', nomFic: 'HELIOS_SIMU_ALR2_1514384443_86804893.xml' },
      enTete: { dteStr: '2017-12-27', idPost: '034000', idColl: '12345678912345', codCol: '123', codBud: '12', libelleColBud: 'COMMUNE' },
      lines: { nomFic: 7, idColl: 23 },
      bytes: 2_009_021,
    });
    expect(summary.bordereaux).toEqual([
      {
        domain: 'depense',
        id: 'BORD514432',
        exer: '2009',
        idBord: '1234567',
        typBord: '01',
        nbrPce: '1',
        line: 34,
        pieces: [{ idPce: '832', typPce: '01', natPce: '01', line: 45 }],
      },
    ]);
  });

  it('finds its one PES_PJ pièce, whose content is plain text, not base64 of gzip; and a stray PJ outside PES_PJ', async () => {
    const summary = await read();
    // The fixture's PJ holds « Ceci est un test » repeated over 2 MB, with no IdUnique nor NomPJ.
    expect(summary.pjs).toEqual([{ line: 141, contentOk: false, contentProblem: 'gzip', inflatedBytes: 0 }]);
    expect(summary.blocks).toMatchObject({ depense: true, recette: false, pj: true, marche: false, other: [{ name: 'PJ', line: 142 }] });
  });

  it('fails the operator checks on that PJ only', async () => {
    const summary = await read();
    const context = samplePesContext(loadTripletGrid(), { sirets: ['12345678912345'] });
    expect(checkPesAller(summary, context).map((error) => [error.code, error.location])).toEqual([
      [PesErrorCode.PjIdUniqueInvalid, { line: 141 }],
      [PesErrorCode.PjContentInvalid, { line: 141 }],
    ]);
  });
});
