import { describe, expect, it } from '@jest/globals';
import { parseActesXml } from '@relais/actes';

import { buildPesRetour } from './pes.retour.js';

describe('buildPesRetour', () => {
  it('writes an ISO-8859-1 PES_Retour: enveloppe, header with the SIRET as IdColl, a prise en charge', () => {
    const bytes = buildPesRetour({
      nomFic: 'PESRETOUR_21349999900017_260316_007.xml',
      day: '2026-03-16',
      siret: '21349999900017',
      idPost: '034000',
      codCol: '123',
      text: 'Mandats pris en charge : « électricité » & <eau>',
    });
    const text = bytes.toString('latin1');
    expect(text.startsWith('<?xml version="1.0" encoding="ISO-8859-1"?>\n<n:PES_Retour xmlns:n="http://www.minefi.gouv.fr/cp/helios/pes_v2/Rev0/retour">')).toBe(true);
    expect(text).toContain('électricité');
    expect(text).toContain('not in our sources');
    const root = parseActesXml(bytes)['PES_Retour'] as Record<string, unknown>;
    expect(root).toMatchObject({
      Enveloppe: { Parametres: { Version: { '@_V': '2' }, TypFic: { '@_V': 'PESRETOUR' }, NomFic: { '@_V': 'PESRETOUR_21349999900017_260316_007.xml' } } },
      EnTetePES: { DteStr: { '@_V': '2026-03-16' }, IdPost: { '@_V': '034000' }, IdColl: { '@_V': '21349999900017' }, CodCol: { '@_V': '123' } },
      PES_DepenseRetour: { PriseEnCharge: { DtePec: { '@_V': '2026-03-16' } } },
    });
  });

  it('keeps a character ISO-8859-1 has not as a reference', () => {
    const bytes = buildPesRetour({ nomFic: 'R.xml', day: '2026-03-16', siret: '21349999900017', idPost: '034000', codCol: '123', text: 'Montant en €' });
    expect(bytes.toString('latin1')).toContain('Montant en &#8364;');
  });
});
