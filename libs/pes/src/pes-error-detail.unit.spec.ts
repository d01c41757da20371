import { describe, expect, it } from '@jest/globals';
import { PesErrorCode } from './pes.errors.js';
import { pesErrorDetail } from './pes-error-detail.js';

describe('pesErrorDetail', () => {
  it('writes a header field with its line', () => {
    expect(pesErrorDetail({ code: PesErrorCode.IdCollUnknown, message: 'IdColl inconnu', field: 'EnTetePES/IdColl', location: { line: 23 } })).toEqual({
      code: 'PES.ID_COLL_UNKNOWN',
      message: 'IdColl inconnu (ligne 23)',
      field: 'EnTetePES/IdColl@23',
    });
  });

  it('names the bordereau and the pièce of a triplet, as far as the file does', () => {
    const triplet = (location: { bordereau?: string; piece?: string; line: number }) =>
      pesErrorDetail({ code: PesErrorCode.TripletNotAllowed, message: 'triplet', location }).field;
    expect(triplet({ bordereau: '1234567', piece: '832', line: 45 })).toBe('Bordereau[IdBord=1234567]/Piece[IdPce=832]@45');
    expect(triplet({ piece: '832', line: 45 })).toBe('Bordereau/Piece[IdPce=832]@45');
    expect(triplet({ line: 45 })).toBe('Bordereau/Piece@45');
  });

  it('names the PJ by its IdUnique, written so that no value breaks the path', () => {
    const pj = (idUnique: string | undefined) =>
      pesErrorDetail({ code: PesErrorCode.PjContentInvalid, message: 'contenu', field: 'PES_PJ/PJ/Contenu/Fichier', location: { ...(idUnique === undefined ? {} : { pj: idUnique }), line: 141 } }).field;
    expect(pj('PJ-2026-0001')).toBe('PES_PJ/PJ[IdUnique=PJ-2026-0001]/Contenu/Fichier@141');
    expect(pj('a]b/c@d')).toBe('PES_PJ/PJ[IdUnique=a%5Db%2Fc%40d]/Contenu/Fichier@141');
    expect(pj(undefined)).toBe('PES_PJ/PJ/Contenu/Fichier@141');
  });

  it('gives a place without an element for broken XML, and no field for a rule about the whole file', () => {
    expect(pesErrorDetail({ code: PesErrorCode.MalformedXml, message: 'XML mal formé', location: { line: 12, column: 5 } })).toEqual({
      code: 'PES.MALFORMED_XML',
      message: 'XML mal formé (ligne 12, colonne 5)',
      field: '@12:5',
    });
    expect(pesErrorDetail({ code: PesErrorCode.Empty, message: 'vide' })).toEqual({ code: 'PES.EMPTY', message: 'vide' });
    expect(pesErrorDetail({ code: PesErrorCode.NomFicMissing, message: 'absent', field: 'Enveloppe/Parametres/NomFic' })).toEqual({
      code: 'PES.NOM_FIC_MISSING',
      message: 'absent',
      field: 'Enveloppe/Parametres/NomFic',
    });
  });
});
