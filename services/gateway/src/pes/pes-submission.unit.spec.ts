import { describe, expect, it } from '@jest/globals';
import { PesErrorCode, PesReadError, type PesAllerSummary } from '@relais/pes';
import { isPesBodyType, pesReadRefusal, pesSubmissionOf } from './pes-submission.js';

const summary = (changes: Partial<PesAllerSummary> = {}): PesAllerSummary => ({
  encoding: 'ISO-8859-1',
  declaredEncoding: 'ISO-8859-1',
  root: { name: 'PES_Aller', namespace: 'http://www.minefi.gouv.fr/cp/helios/pes_v2/Rev0/aller' },
  enveloppe: { version: '1', typFic: 'PESALR2', nomFic: 'PES_0001.xml' },
  enTete: { idPost: '034000', idColl: '21349999900017', codCol: '123', codBud: '01' },
  lines: { nomFic: 7, idPost: 18, idColl: 19, codCol: 20, codBud: 21 },
  bordereaux: [],
  pjs: [],
  blocks: { depense: false, recette: false, pj: false, marche: true, budget: false, facture: false, signature: false, other: [] },
  bytes: 900,
  ...changes,
});
const file = { sha256: 'a'.repeat(64), size: 900 };

describe('pesSubmissionOf', () => {
  it('takes the identifiers as the header writes them, and names the file after its NomFic', () => {
    expect(pesSubmissionOf(summary(), file)).toEqual({
      ok: true,
      pes: {
        kind: 'pes',
        nomFic: 'PES_0001.xml',
        codCol: '123',
        codBud: '01',
        idPost: '034000',
        idColl: '21349999900017',
        file: { ...file, name: 'PES_0001.xml', mediaType: 'application/xml' },
      },
    });
  });

  it('leaves CodBud out when the header has none, and leaves a long CodCol to the validator', () => {
    const result = pesSubmissionOf(summary({ enTete: { idPost: '034000', idColl: '21349999900017', codCol: '1234', codBud: '' } }), file);
    expect(result.ok && result.pes).toMatchObject({ codCol: '1234' });
    expect(result.ok && 'codBud' in result.pes).toBe(false);
  });

  it('refuses every absent or blank identifier at once, with where', () => {
    const result = pesSubmissionOf(summary({ enveloppe: { typFic: 'PESALR2' }, enTete: { idPost: ' ', codCol: '123' } }), file);
    expect(result).toEqual({
      ok: false,
      errors: [
        { code: PesErrorCode.NomFicMissing, message: 'la balise Enveloppe/Parametres/NomFic est absente ou vide (ligne 7)', field: 'Enveloppe/Parametres/NomFic@7' },
        { code: PesErrorCode.IdPostInvalid, message: 'la balise EnTetePES/IdPost est absente ou vide (ligne 18)', field: 'EnTetePES/IdPost@18' },
        { code: PesErrorCode.IdCollInvalid, message: 'la balise EnTetePES/IdColl est absente ou vide (ligne 19)', field: 'EnTetePES/IdColl@19' },
      ],
    });
  });

  it('refuses another root element', () => {
    const result = pesSubmissionOf(summary({ root: { name: 'PES_Retour', namespace: '' } }), file);
    expect(result).toEqual({ ok: false, errors: [expect.objectContaining({ code: PesErrorCode.NotPesAller, field: '@1' })] });
  });
});

describe('pesReadRefusal', () => {
  it('answers 422 to a DOCTYPE, 400 to what cannot be read, where it lies', () => {
    const doctype = pesReadRefusal(new PesReadError(PesErrorCode.DoctypeForbidden, 'un DOCTYPE n’est pas accepté', { line: 2 }));
    expect([doctype.status, doctype.errors]).toEqual([422, [{ code: 'PES.DOCTYPE_FORBIDDEN', message: 'un DOCTYPE n’est pas accepté (ligne 2)', field: '@2' }]]);
    const broken = pesReadRefusal(new PesReadError(PesErrorCode.MalformedXml, 'XML mal formé', { line: 12, column: 5 }));
    expect([broken.status, broken.errors]).toEqual([400, [{ code: 'PES.MALFORMED_XML', message: 'XML mal formé (ligne 12, colonne 5)', field: '@12:5' }]]);
    expect(pesReadRefusal(new PesReadError(PesErrorCode.EncodingInvalid, 'pas de l’UTF-8')).errors).toEqual([{ code: 'PES.ENCODING_INVALID', message: 'pas de l’UTF-8' }]);
  });
});

describe('isPesBodyType', () => {
  it('takes XML and bytes, with parameters, in any case', () => {
    for (const type of ['application/xml', 'text/xml; charset=ISO-8859-1', 'Application/XML', 'application/octet-stream']) expect(isPesBodyType(type)).toBe(true);
    for (const type of ['', 'application/json', 'application/xml-dtd', 'multipart/form-data; boundary=x', 'text/plain']) expect(isPesBodyType(type)).toBe(false);
  });
});
