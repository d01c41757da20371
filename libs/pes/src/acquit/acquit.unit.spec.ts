import { describe, expect, it } from '@jest/globals';
import { readSharedPesSample } from '../../test/shared-data.js';
import { PesBuildError, PesErrorCode, PesReadError } from '../pes.errors.js';
import { pesAcquitXml, pesNonAcquitXml, type PesAcquitInput } from './acquit.build.js';
import { acquitOutcome } from './acquit.outcome.js';
import { parsePesAckFile, parsePesAcquit, parsePesNonAcquit } from './acquit.parse.js';
import type { PesAcquit } from './acquit.types.js';
import { NUM_ANO_ACK_CODES, PES_ACQUIT_NAMESPACE, isNumAnoAck } from './acquit.values.js';

const enTete = { dteStr: '2026-03-16', idPost: '034000', idColl: '21349999900017', codCol: '123', codBud: '01', libelleColBud: 'COMMUNE DE SÈTE' };

const readError = (read: () => unknown): PesReadError => {
  try {
    read();
  } catch (error) {
    if (error instanceof PesReadError) return error;
    throw error;
  }
  throw new Error('expected a PesReadError');
};

describe('parsePesAcquit', () => {
  it('reads the real sample: one dépense bordereau and four PJ accepted', () => {
    const acquit = parsePesAcquit(readSharedPesSample('PES_ACQUIT_example.xml'));
    expect(acquit).toMatchObject({
      nomFic: 'HELIOS_SIMU_ALR2_1514384631_264491346.xml',
      typFic: 'PESALR2',
      version: '2',
      enTete: { dteStr: '2015-12-10', idPost: '034000', idColl: '20004910400025', codCol: '123', codBud: '12', libelleColBud: 'EAUX DE METROPOLIS' },
      hasAcquitBlock: true,
    });
    expect(acquit.elements.map((e) => [e.domaineAck, e.etatAck, e.bordereau ?? e.idUnique])).toEqual([
      ['5', true, { numBord: '1847', exercice: '2015' }],
      ['4', true, '200049104000252015DEPENSE0000087458'],
      ['4', true, '20004904000252015DEPENSE0000087460'],
      ['4', true, '200049104000252015DEPENSE0000087461'],
      ['4', true, '200049104000252015DEPENSE0000087459'],
    ]);
    expect(acquit.elements.every((e) => e.errors.length === 0 && e.pieces.length === 0)).toBe(true);
    expect(acquitOutcome(acquit)).toBe('acknowledged');
  });

  it('reads back what pesAcquitXml writes: bordereaux, PJ, errors down to the line, in ISO-8859-1', () => {
    const input: PesAcquitInput = {
      nomFic: 'PES_MIXTE_0001.xml',
      enTete,
      emetteur: { sigle: 'DGFIP', adresse: 'HELIOS' },
      elements: [
        { domaineAck: '5', etatAck: true, bordereau: { numBord: '101', exercice: '2026' } },
        {
          domaineAck: '6',
          etatAck: false,
          bordereau: { numBord: '201', exercice: '2026' },
          errors: [{ code: 'ERREUR_DOUBLON_BORDEREAU', label: 'Bordereau déjà intégré & refusé' }],
          pieces: [
            {
              numPiece: '2002',
              errors: [{ code: 'ERREUR_CODIFICATION' }],
              lignes: [{ numLigne: '1', errors: [{ code: 'ERREUR_TAILLE_LIGNE', label: 'Ligne <trop> longue' }] }],
            },
          ],
        },
        { domaineAck: '4', etatAck: false, idUnique: 'PJ-2026-0002', errors: [{ code: 'ERREUR_PJ', label: 'PJ illisible' }] },
      ],
    };
    const bytes = pesAcquitXml(input);
    expect(bytes.subarray(0, 43).toString('latin1')).toBe('<?xml version="1.0" encoding="ISO-8859-1"?>');
    expect(bytes.includes(Buffer.from('SÈTE', 'latin1'))).toBe(true);
    expect(bytes.toString('latin1')).toContain(`<n:PES_ACQUIT xmlns:n="${PES_ACQUIT_NAMESPACE}">`);
    const acquit = parsePesAcquit(bytes);
    expect(acquit).toEqual({
      nomFic: 'PES_MIXTE_0001.xml',
      typFic: 'PESALR2',
      version: '2',
      enTete,
      hasAcquitBlock: true,
      elements: [
        { domaineAck: '5', etatAck: true, bordereau: { numBord: '101', exercice: '2026' }, errors: [], pieces: [] },
        {
          domaineAck: '6',
          etatAck: false,
          bordereau: { numBord: '201', exercice: '2026' },
          errors: [{ code: 'ERREUR_DOUBLON_BORDEREAU', label: 'Bordereau déjà intégré & refusé' }],
          pieces: [
            {
              numPiece: '2002',
              errors: [{ code: 'ERREUR_CODIFICATION' }],
              lignes: [{ numLigne: '1', errors: [{ code: 'ERREUR_TAILLE_LIGNE', label: 'Ligne <trop> longue' }] }],
            },
          ],
        },
        { domaineAck: '4', etatAck: false, idUnique: 'PJ-2026-0002', errors: [{ code: 'ERREUR_PJ', label: 'PJ illisible' }], pieces: [] },
      ],
    });
    expect(acquitOutcome(acquit)).toBe('partially_accepted');
  });

  it('writes and reads a PES_ACQUIT without ACQUIT block, read as acknowledged', () => {
    const acquit = parsePesAcquit(pesAcquitXml({ nomFic: 'PES_0001.xml', enTete }));
    expect([acquit.hasAcquitBlock, acquit.elements, acquitOutcome(acquit)]).toEqual([false, [], 'acknowledged']);
  });

  it('refuses what is not a PES_ACQUIT v2, and one lacking what the schema requires', () => {
    const sample = readSharedPesSample('PES_ACQUIT_example.xml').toString('latin1');
    const variant = (from: string, to: string): Buffer => Buffer.from(sample.replace(from, to), 'latin1');
    expect(readError(() => parsePesAcquit(variant('/retour/v2', '/retour'))).code).toBe(PesErrorCode.ReturnUnknownType);
    expect(readError(() => parsePesAcquit(variant('<NomFic V="HELIOS_SIMU_ALR2_1514384631_264491346.xml"/>', ''))).code).toBe(PesErrorCode.ReturnInvalid);
    expect(readError(() => parsePesAcquit(variant('<EtatAck V="1"/>', '<EtatAck V="2"/>'))).field).toBe('ACQUIT/ElementACQUIT[1]/EtatAck');
    expect(readError(() => parsePesAcquit(variant('<DomaineAck V="5"/>', '<DomaineAck V="13"/>'))).code).toBe(PesErrorCode.ReturnInvalid);
    expect(readError(() => parsePesAcquit(variant('<ExerciceBord V="2015"/>', ''))).code).toBe(PesErrorCode.ReturnInvalid);
    expect(readError(() => parsePesAcquit(variant('<IdColl V="20004910400025"/>', ''))).field).toBe('EnTetePES/IdColl');
  });

  it('applies the reader’s refusals: DOCTYPE, broken XML, encoding', () => {
    const sample = readSharedPesSample('PES_ACQUIT_example.xml').toString('latin1');
    const doctype = sample.replace('?>\n', '?>\n<!DOCTYPE x [<!ENTITY a "b">]>\n');
    expect(readError(() => parsePesAcquit(Buffer.from(doctype, 'latin1'))).location).toEqual({ line: 2 });
    const broken = readError(() => parsePesAcquit(Buffer.from(sample.replace('</Enveloppe>', '</Envelope>'), 'latin1')));
    expect([broken.code, broken.location?.line]).toEqual([PesErrorCode.MalformedXml, 16]);
    // Found by fuzzing: the validator passes a processing instruction the parser throws a bare Error on.
    expect(readError(() => parsePesAcquit(Buffer.from(sample.replace('?>\n', '?>\n<?"x?>'), 'latin1'))).code).toBe(PesErrorCode.MalformedXml);
    expect(readError(() => parsePesAcquit(Buffer.from(sample.replace('ISO-8859-1', 'UTF-16'), 'latin1'))).code).toBe(PesErrorCode.EncodingUnsupported);
    expect(parsePesAcquit(Buffer.from(sample.replace('ISO-8859-1', 'UTF-8'), 'utf8')).nomFic).toBe('HELIOS_SIMU_ALR2_1514384631_264491346.xml');
  });
});

describe('acquitOutcome', () => {
  const acquitWith = (...states: boolean[]): PesAcquit => ({
    nomFic: 'x.xml',
    enTete,
    hasAcquitBlock: states.length > 0,
    elements: states.map((etatAck, i) => ({ domaineAck: '5', etatAck, bordereau: { numBord: String(i + 1), exercice: '2026' }, errors: [], pieces: [] })),
  });

  it('classifies: no block or all accepted, some refused, all refused', () => {
    expect(acquitOutcome(acquitWith())).toBe('acknowledged');
    expect(acquitOutcome(acquitWith(true, true))).toBe('acknowledged');
    expect(acquitOutcome(acquitWith(true, false))).toBe('partially_accepted');
    expect(acquitOutcome(acquitWith(false, false))).toBe('nacked');
  });
});

describe('PES_NonAcquit', () => {
  it('reads back what pesNonAcquitXml writes, and is told apart from a PES_ACQUIT', () => {
    const bytes = pesNonAcquitXml({
      nomFic: 'PES_0001.xml',
      enTete: { idPost: '034000', idColl: '21349999900017', codCol: '123' },
      errors: [{ code: 'ERREUR_SIRET', label: 'SIRET inconnu à Hélios' }, { code: 'ERREUR_CODIQUE' }],
    });
    const expected = {
      nomFic: 'PES_0001.xml',
      enTete: { idPost: '034000', idColl: '21349999900017', codCol: '123' },
      errors: [{ code: 'ERREUR_SIRET', label: 'SIRET inconnu à Hélios' }, { code: 'ERREUR_CODIQUE' }],
    };
    expect(parsePesNonAcquit(bytes)).toEqual(expected);
    expect(parsePesAckFile(bytes)).toEqual({ type: 'PES_NonAcquit', nonAcquit: expected });
    expect(parsePesAckFile(readSharedPesSample('PES_ACQUIT_example.xml')).type).toBe('PES_ACQUIT');
    expect(readError(() => parsePesNonAcquit(readSharedPesSample('PES_ACQUIT_example.xml'))).code).toBe(PesErrorCode.ReturnUnknownType);
  });

  it('reads the errors of other shapes too: flat NumAnoAck, any namespace, root name in any case', () => {
    const text =
      '<?xml version="1.0" encoding="ISO-8859-1"?><PES_NONACQUIT><Enveloppe><Parametres><NomFic V="F.xml"/></Parametres></Enveloppe>' +
      '<Detail><NumAnoAck V="ERREUR_AUTRE"/><LibelleAnoAck V="Autre &#233;chec"/></Detail></PES_NONACQUIT>';
    expect(parsePesNonAcquit(Buffer.from(text, 'latin1'))).toEqual({ nomFic: 'F.xml', enTete: {}, errors: [{ code: 'ERREUR_AUTRE', label: 'Autre échec' }] });
  });
});

describe('builders refuse what they cannot write', () => {
  const build = (write: () => unknown): PesBuildError => {
    try {
      write();
    } catch (error) {
      if (error instanceof PesBuildError) return error;
      throw error;
    }
    throw new Error('expected a PesBuildError');
  };

  it('names the field at fault', () => {
    expect(build(() => pesAcquitXml({ nomFic: '', enTete })).field).toBe('nomFic');
    expect(build(() => pesAcquitXml({ nomFic: 'F', enTete: { ...enTete, libelleColBud: 'Œuvre' } })).code).toBe(PesErrorCode.BuildNotLatin1);
    const both = { domaineAck: '4', etatAck: true, idUnique: 'A', bordereau: { numBord: '1', exercice: '2026' } } as const;
    expect(build(() => pesAcquitXml({ nomFic: 'F', enTete, elements: [both] })).field).toBe('elements[0]');
    const badCode = { domaineAck: '4', etatAck: false, idUnique: 'A', errors: [{ code: 'ERREUR_INVENTEE' }] } as const;
    expect(build(() => pesAcquitXml({ nomFic: 'F', enTete, elements: [badCode] })).field).toBe('elements[0].errors[0].code');
    expect(build(() => pesNonAcquitXml({ nomFic: 'F', errors: [] })).field).toBe('errors');
  });
});

describe('NUM_ANO_ACK_CODES', () => {
  it('is the closed list of DOMAIN.md §2.4, each once', () => {
    expect(NUM_ANO_ACK_CODES).toHaveLength(34);
    expect(new Set(NUM_ANO_ACK_CODES).size).toBe(34);
    expect(isNumAnoAck('ERREUR_SIGNATURE_BORDEREAU_INCOMPLETE')).toBe(true);
    expect(isNumAnoAck('ERREUR_INCONNUE')).toBe(false);
  });
});
