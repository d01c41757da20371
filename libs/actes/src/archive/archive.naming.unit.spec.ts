import { describe, expect, it } from '@jest/globals';

import { ActesArchiveError, ActesArchiveErrorCode } from './archive.errors.js';
import {
  ID_ACTE_REGEX,
  NOM_ARCHIVE_REGEX,
  NOM_ENVELOPPE_REGEX,
  NOM_FICHIER_METIER_REGEX,
  type NatureActeCode,
  idActe,
  natureActeAbbreviation,
  nomArchive,
  nomEnveloppe,
  nomFichierTransmissionActe,
} from './archive.naming.js';

function refusal(build: () => unknown): ActesArchiveError {
  try {
    build();
  } catch (error) {
    if (error instanceof ActesArchiveError) return error;
    throw error;
  }
  throw new Error('expected an ActesArchiveError, nothing was thrown');
}

const parts = {
  departement: '034',
  siren: '491011698',
  dateDecision: '2017-12-07',
  numeroInterne: 'CL20171227_06',
  nature: 1,
} as const;

describe('idActe', () => {
  it('gives the IDActe of DOMAIN.md §1.7', () => {
    const id = idActe(parts);
    expect(id).toBe('034-491011698-20171207-CL20171227_06-DE');
    expect(id).toMatch(ID_ACTE_REGEX);
  });

  it.each([
    [1, 'DE'],
    [2, 'AR'],
    [3, 'AI'],
    [4, 'CC'],
    [5, 'BF'],
    [6, 'AU'],
  ] as const)('ends nature %i with %s', (nature, abbreviation) => {
    expect(natureActeAbbreviation(nature)).toBe(abbreviation);
    expect(idActe({ ...parts, nature })).toBe(`034-491011698-20171207-CL20171227_06-${abbreviation}`);
  });

  it.each(['02A', '02B', '974', '001'])('accepts department %s', (departement) => {
    expect(idActe({ ...parts, departement })).toMatch(ID_ACTE_REGEX);
  });

  it.each([
    ['a department of 2 characters', { departement: '34' }, ActesArchiveErrorCode.InvalidDepartement],
    ['a department 2C', { departement: '02C' }, ActesArchiveErrorCode.InvalidDepartement],
    ['a SIREN of 8 digits', { siren: '49101169' }, ActesArchiveErrorCode.InvalidSiren],
    ['a compact decision date', { dateDecision: '20171207' }, ActesArchiveErrorCode.InvalidDate],
    ['a 31 April', { dateDecision: '2024-04-31' }, ActesArchiveErrorCode.InvalidDate],
    ['a numéro interne with a dash', { numeroInterne: 'CL-06' }, ActesArchiveErrorCode.InvalidNumeroInterne],
    ['an empty numéro interne', { numeroInterne: '' }, ActesArchiveErrorCode.InvalidNumeroInterne],
    ['nature 7', { nature: 7 as NatureActeCode }, ActesArchiveErrorCode.InvalidNatureActe],
  ] as const)('refuses %s', (_label, change, code) => {
    expect(refusal(() => idActe({ ...parts, ...change })).code).toBe(code);
  });
});

describe('nomFichierTransmissionActe', () => {
  const id = '034-491011698-20171207-CL20171227_06-DE';

  it('names the XML message _0 without typology, as in DOMAIN.md', () => {
    const name = nomFichierTransmissionActe(id, { index: 0, extension: 'xml' });
    expect(name).toBe('034-491011698-20171207-CL20171227_06-DE-1-1_0.xml');
    expect(name).toMatch(NOM_FICHIER_METIER_REGEX);
  });

  it('prefixes the main document with its CodeTypePJ, as in DOMAIN.md', () => {
    const name = nomFichierTransmissionActe('034-000000000-20241209-20241209_MR02-DE', {
      index: 1,
      extension: 'pdf',
      codeTypePJ: '99_DE',
    });
    expect(name).toBe('99_DE-034-000000000-20241209-20241209_MR02-DE-1-1_1.pdf');
    expect(name).toMatch(NOM_FICHIER_METIER_REGEX);
  });

  it('numbers annexes from 2', () => {
    const name = nomFichierTransmissionActe(id, { index: 12, extension: 'jpg', codeTypePJ: '41_NC' });
    expect(name).toBe('41_NC-034-491011698-20171207-CL20171227_06-DE-1-1_12.jpg');
    expect(name).toMatch(NOM_FICHIER_METIER_REGEX);
  });

  it.each([
    ['a typology on the message', () => nomFichierTransmissionActe(id, { index: 0, extension: 'xml', codeTypePJ: '99_DE' }), ActesArchiveErrorCode.InvalidCodeTypePJ],
    ['a malformed typology', () => nomFichierTransmissionActe(id, { index: 1, extension: 'pdf', codeTypePJ: '99DE' }), ActesArchiveErrorCode.InvalidCodeTypePJ],
    ['a negative index', () => nomFichierTransmissionActe(id, { index: -1, extension: 'pdf' }), ActesArchiveErrorCode.InvalidFileIndex],
    ['a malformed IDActe', () => nomFichierTransmissionActe('034-491011698-CL-DE', { index: 1, extension: 'pdf' }), ActesArchiveErrorCode.InvalidIdActe],
  ] as const)('refuses %s', (_label, build, code) => {
    expect(refusal(build).code).toBe(code);
  });
});

describe('nomEnveloppe and nomArchive', () => {
  const envelope = { siren: '214502494', dateEnvoi: '2017-07-17', sequence: 5 };

  it('names the envelope as in DOMAIN.md', () => {
    const name = nomEnveloppe(envelope);
    expect(name).toBe('EACT--214502494--20170717-5.xml');
    expect(name).toMatch(NOM_ENVELOPPE_REGEX);
  });

  it('names the archive with the configured trigram, as in DOMAIN.md', () => {
    const name = nomArchive({ ...envelope, operatorTrigram: 'SLO' });
    expect(name).toBe('SLO-EACT--214502494--20170717-5.tar.gz');
    expect(name).toMatch(NOM_ARCHIVE_REGEX);
  });

  it('uses RLS when no trigram is configured', () => {
    expect(nomArchive(envelope)).toBe('RLS-EACT--214502494--20170717-5.tar.gz');
  });

  it.each([
    ['a trigram of 4 letters', () => nomArchive({ ...envelope, operatorTrigram: 'RLSX' }), ActesArchiveErrorCode.InvalidOperatorTrigram],
    ['a fractional sequence', () => nomEnveloppe({ ...envelope, sequence: 1.5 }), ActesArchiveErrorCode.InvalidSequence],
    ['a negative sequence', () => nomArchive({ ...envelope, sequence: -1 }), ActesArchiveErrorCode.InvalidSequence],
    ['a malformed date', () => nomEnveloppe({ ...envelope, dateEnvoi: '2017-7-17' }), ActesArchiveErrorCode.InvalidDate],
  ] as const)('refuses %s', (_label, build, code) => {
    expect(refusal(build).code).toBe(code);
  });
});
