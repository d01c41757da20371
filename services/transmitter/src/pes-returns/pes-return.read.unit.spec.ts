import { describe, expect, it } from '@jest/globals';
import { pesAcquitXml, pesNonAcquitXml } from '@relais/pes';
import { pesAllerBuffer, pesAllerShapes } from '@relais/pes/testing';
import { readPesReturn } from './pes-return.read.js';

const enTete = { idPost: '021000', idColl: '21210231300013', codCol: '001', codBud: '01' };

function retour(idColl: string | undefined, rootName = 'PES_Retour'): Promise<Buffer> {
  const base = pesAllerShapes.depense();
  return pesAllerBuffer({ ...base, rootName, nomFic: 'RETOUR_0001.xml', enTete: { ...base.enTete, idColl, idPost: '021000', codCol: '001' } });
}

describe('readPesReturn', () => {
  it('reads a PES_Acquit and a PES_NonAcquit, by their root whatever the listing says', async () => {
    const acquit = pesAcquitXml({ nomFic: 'PES_0001.xml', enTete, elements: [{ domaineAck: '5', etatAck: true, bordereau: { numBord: '1', exercice: '2026' } }] });
    const nonAcquit = pesNonAcquitXml({ nomFic: 'PES_0001.xml', enTete, errors: [{ code: 'ERREUR_SIRET' }] });
    expect(await readPesReturn('PES_Acquit', acquit)).toMatchObject({ kind: 'acquittal', file: { type: 'PES_ACQUIT', acquit: { nomFic: 'PES_0001.xml' } } });
    expect(await readPesReturn('PES_Acquit', nonAcquit)).toMatchObject({ kind: 'acquittal', file: { type: 'PES_NonAcquit', nonAcquit: { nomFic: 'PES_0001.xml' } } });
  });

  it('reads a PES_Retour’s header: whom it is for', async () => {
    expect(await readPesReturn('PES_Retour', await retour('21210231300013'))).toEqual({
      kind: 'retour',
      header: { siret: '21210231300013', siren: '212102313', nomFic: 'RETOUR_0001.xml', idPost: '021000', codCol: '001' },
    });
  });

  it('says why a file cannot be used: not XML, not what it is listed as, no SIRET, a kind Relais does not read', async () => {
    expect(await readPesReturn('PES_Acquit', Buffer.from('<n:PES_ACQUIT'))).toMatchObject({ kind: 'unreadable', why: expect.stringContaining('PES.MALFORMED_XML') });
    expect(await readPesReturn('PES_Retour', Buffer.from('pas du XML'))).toMatchObject({ kind: 'unreadable', why: expect.stringContaining('PES.') });
    expect(await readPesReturn('PES_Retour', await retour('21210231300013', 'PES_Aller'))).toEqual({
      kind: 'unreadable',
      why: 'its root is « PES_Aller », not PES_Retour',
    });
    expect(await readPesReturn('PES_Retour', await retour(undefined))).toMatchObject({ kind: 'unreadable', why: expect.stringContaining('not a SIRET') });
    expect(await readPesReturn('OCRE', Buffer.from('x'))).toMatchObject({ kind: 'unreadable', why: expect.stringContaining('OCRE') });
  });
});
