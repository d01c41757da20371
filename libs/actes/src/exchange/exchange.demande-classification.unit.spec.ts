import { describe, expect, it } from '@jest/globals';
import { actesSchemaErrors as schemaErrors } from '@relais/testing';

import { ActesArchiveError, ActesArchiveErrorCode } from '../archive/archive.errors.js';
import { NOM_ENVELOPPE_REGEX } from '../archive/archive.naming.js';
import { unpackArchive } from '../import/archive.unpack.js';
import {
  type ClassificationRequestArchiveInput,
  buildClassificationRequestArchive,
  demandeClassificationXml,
} from './exchange.demande-classification.js';
import { NOM_FICHIER_CLASSIFICATION_REGEX, nomFichierDemandeClassification } from './exchange.naming.js';

const input: ClassificationRequestArchiveInput = {
  sequence: 3,
  dateEnvoi: '2026-12-03',
  collectivite: { siren: '214600000', departement: '046', arrondissement: '2', nature: '31' },
  adressesRetour: ['actes@relais.example.org'],
  dateClassification: '2019-03-01',
};

function refusal(build: () => unknown): ActesArchiveError {
  try {
    build();
  } catch (error) {
    if (error instanceof ActesArchiveError) return error;
    throw error;
  }
  throw new Error('expected an ActesArchiveError, nothing was thrown');
}

describe('nomFichierDemandeClassification', () => {
  it('names the 7-1 DPT-SIREN----7-1_1.xml, date, number and nature empty', () => {
    expect(nomFichierDemandeClassification('046', '214600000')).toBe('046-214600000----7-1_1.xml');
    expect(nomFichierDemandeClassification('02A', '214600000')).toMatch(NOM_FICHIER_CLASSIFICATION_REGEX);
  });

  it('refuses a department or a SIREN that does not fit', () => {
    expect(refusal(() => nomFichierDemandeClassification('46', '214600000')).code).toBe(ActesArchiveErrorCode.InvalidDepartement);
    expect(refusal(() => nomFichierDemandeClassification('046', '2146')).code).toBe(ActesArchiveErrorCode.InvalidSiren);
  });
});

describe('demandeClassificationXml (7-1)', () => {
  it('writes a DemandeClassification valid against actesv1_1.xsd, with the date of the classification held', async () => {
    const bytes = demandeClassificationXml('2019-03-01');
    expect(await schemaErrors('demande.xml', bytes)).toEqual([]);
    expect(bytes.toString('latin1')).toContain('<actes:DateClassification>2019-03-01</actes:DateClassification>');
  });

  it('is valid without a date too', async () => {
    const bytes = demandeClassificationXml();
    expect(await schemaErrors('demande.xml', bytes)).toEqual([]);
    expect(bytes.toString('latin1')).not.toContain('DateClassification');
  });

  it('refuses a date that does not exist', () => {
    const error = refusal(() => demandeClassificationXml('2019-13-01'));
    expect([error.code, error.field]).toEqual([ActesArchiveErrorCode.InvalidDate, 'dateClassification']);
  });
});

describe('buildClassificationRequestArchive', () => {
  it('packs the envelope and the message under their conventional names, both XSD-valid', async () => {
    const archive = await buildClassificationRequestArchive(input);
    expect([archive.name, archive.code, archive.messageName]).toEqual([
      'RLS-EACT--214600000--20261203-3.tar.gz',
      '7-1',
      '046-214600000----7-1_1.xml',
    ]);
    const entries = await unpackArchive(archive.bytes, { maxInflatedBytes: 1 << 20, maxEntries: 10 });
    expect(entries.map((entry) => entry.name)).toEqual(['EACT--214600000--20261203-3.xml', '046-214600000----7-1_1.xml']);
    expect(entries[0]!.name).toMatch(NOM_ENVELOPPE_REGEX);
    expect(await schemaErrors('enveloppe.xml', entries[0]!.content)).toEqual([]);
    expect(await schemaErrors('demande.xml', entries[1]!.content)).toEqual([]);
    expect(entries[0]!.content.toString('latin1')).toContain('<actes:NomFichier>046-214600000----7-1_1.xml</actes:NomFichier>');
    expect(archive.files).toEqual(entries.map((entry) => ({ name: entry.name, size: entry.content.length })));
  });

  it('is deterministic, and the date held changes the bytes', async () => {
    const first = await buildClassificationRequestArchive(input);
    expect((await buildClassificationRequestArchive(structuredClone(input))).sha256).toBe(first.sha256);
    expect((await buildClassificationRequestArchive({ ...input, dateClassification: undefined })).sha256).not.toBe(first.sha256);
  });
});
