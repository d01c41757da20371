import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { isKnownClassification } from '../validation/acte-metadata.check.js';
import { ClassificationErrorCode, ClassificationFileError } from './classification.errors.js';
import {
  classificationJson,
  loadClassificationFile,
  parseClassificationJson,
  parseRetourClassification,
} from './classification.read.js';

const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');

const small = latin1(`<?xml version="1.0" encoding="ISO-8859-1"?>
<actes:RetourClassification xmlns:actes="http://www.interieur.gouv.fr/ACTES#v1.1-20040216">
  <actes:DateClassification>2024-06-01</actes:DateClassification>
  <actes:NaturesActes>
    <actes:NatureActe actes:CodeNatureActe="5" actes:Libelle="Documents budgétaires et financiers" actes:TypeAbrege="BF">
      <actes:TypePJNatureActe actes:CodeTypePJ="99_BU" actes:Libelle="Document budgétaire"/>
      <actes:TypePJNatureActe actes:CodeTypePJ="99_SE" actes:Libelle="Signature"/>
      <actes:TypePJNatureActe actes:CodeTypePJ="99_BU" actes:Libelle="Répété"/>
    </actes:NatureActe>
    <actes:NatureActe actes:CodeNatureActe="1" actes:Libelle="Délibérations" actes:TypeAbrege="DE">
      <actes:TypePJNatureActe actes:CodeTypePJ="99_DE" actes:Libelle="Délibération"/>
    </actes:NatureActe>
  </actes:NaturesActes>
  <actes:Matieres>
    <actes:Matiere1 actes:CodeMatiere="7" actes:Libelle="Finances locales">
      <actes:Matiere2 actes:CodeMatiere="1" actes:Libelle="Décisions budgétaires">
        <actes:Matiere3 actes:CodeMatiere="2" actes:Libelle="Budget"/>
      </actes:Matiere2>
      <actes:Matiere2 actes:CodeMatiere="10" actes:Libelle="Divers"/>
    </actes:Matiere1>
  </actes:Matieres>
</actes:RetourClassification>`);

describe('the classification of a 7-2 RetourClassification', () => {
  it('lists every matière at every level, with the version', () => {
    const catalogue = parseRetourClassification(small);
    expect(catalogue.version).toBe('2024-06-01');
    expect([...catalogue.codes].sort()).toEqual(['7', '7.1', '7.1.2', '7.10']);
  });

  it('knows a matière only when every level exists under the one above it', () => {
    const catalogue = parseRetourClassification(small);
    expect(isKnownClassification(catalogue, [7, 1])).toBe(true);
    expect(isKnownClassification(catalogue, [7, 1, 2])).toBe(true);
    expect(isKnownClassification(catalogue, [7, 10])).toBe(true);
    expect(isKnownClassification(catalogue, [7, 2])).toBe(false);
    expect(isKnownClassification(catalogue, [7, 1, 3])).toBe(false);
    expect(isKnownClassification(catalogue, [7, 10, 1])).toBe(false);
    expect(isKnownClassification(catalogue, [1, 1])).toBe(false);
  });

  it('lists the piece types of each nature, once each, in file order', () => {
    const { natures } = parseRetourClassification(small);
    expect(natures && Object.fromEntries([...natures].map(([nature, types]) => [nature, [...types]]))).toEqual({
      BF: ['99_BU', '99_SE'],
      DE: ['99_DE'],
    });
  });

  it('has no piece types when the 7-2 lists none (before the Actes V2 typology)', () => {
    const before = latin1(
      '<RetourClassification><DateClassification>2015-01-01</DateClassification><NaturesActes><NatureActe CodeNatureActe="1" TypeAbrege="DE"/></NaturesActes>' +
        '<Matieres><Matiere1 CodeMatiere="7"><Matiere2 CodeMatiere="1"/></Matiere1></Matieres></RetourClassification>',
    );
    expect(parseRetourClassification(before).natures).toBeUndefined();
  });

  it('refuses a nature out of 1..6, an abbreviation that is not its own, a malformed piece type', () => {
    const withNature = (nature: string): Buffer =>
      latin1(
        `<RetourClassification><DateClassification>2024-06-01</DateClassification><NaturesActes>${nature}</NaturesActes>` +
          '<Matieres><Matiere1 CodeMatiere="7"/></Matieres></RetourClassification>',
      );
    expect(() => parseRetourClassification(withNature('<NatureActe CodeNatureActe="7"><TypePJNatureActe CodeTypePJ="99_DE"/></NatureActe>'))).toThrow(
      'CodeNatureActe',
    );
    expect(() => parseRetourClassification(withNature('<NatureActe CodeNatureActe="1" TypeAbrege="AR"/>'))).toThrow('TypeAbrege');
    expect(() => parseRetourClassification(withNature('<NatureActe CodeNatureActe="1"><TypePJNatureActe CodeTypePJ="99 DE"/></NatureActe>'))).toThrow(
      ClassificationFileError,
    );
  });

  it('reads back its own JSON form, piece types included, and refuses a malformed one', () => {
    const catalogue = parseRetourClassification(small);
    const again = parseClassificationJson(classificationJson(catalogue));
    expect(again).toEqual(catalogue);
    expect(JSON.parse(classificationJson(catalogue))).toMatchObject({ natures: { DE: ['99_DE'], BF: ['99_BU', '99_SE'] } });
    const json = (natures: unknown): string => JSON.stringify({ version: '2024-06-01', codes: ['7', '7.1'], natures });
    expect(parseClassificationJson(JSON.stringify({ version: '2024-06-01', codes: ['7', '7.1'] })).natures).toBeUndefined();
    expect(() => parseClassificationJson(json(['99_DE']))).toThrow('natures must map');
    expect(() => parseClassificationJson(json({ XX: ['99_DE'] }))).toThrow('XX is not');
    expect(() => parseClassificationJson(json({ DE: '99_DE' }))).toThrow('natures.DE');
    expect(() => parseClassificationJson(json({ DE: [99] }))).toThrow('natures.DE');
  });

  it('reads the 7-2 sample of the shared data: nine matières of level 1 and the piece types of all six natures', () => {
    // The sample is read where it lives, beside the repository (DOMAIN.md §1.6).
    const sample = fileURLToPath(new URL('../../../../../shared/data/actes/RetourClassification_example.xml', import.meta.url));
    const catalogue = parseRetourClassification(readFileSync(sample));
    expect(catalogue.version).toBe('2019-03-01');
    expect([...catalogue.codes].filter((code) => !code.includes('.')).sort()).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect([...(catalogue.natures?.keys() ?? [])].sort()).toEqual(['AI', 'AR', 'AU', 'BF', 'CC', 'DE']);
    expect(isKnownClassification(catalogue, [7, 1])).toBe(true);
  });

  it('loads either form from disk, and names the file when it refuses one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'relais-classification-'));
    try {
      const xml = join(dir, 'classification.xml');
      const json = join(dir, 'classification.json');
      await writeFile(xml, small);
      await writeFile(json, classificationJson(parseRetourClassification(small)));
      expect(await loadClassificationFile(json)).toEqual(await loadClassificationFile(xml));
      await writeFile(json, '{"version": "2024-06-01"}');
      const refusal = await loadClassificationFile(json).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(ClassificationFileError);
      expect((refusal as ClassificationFileError).code).toBe(ClassificationErrorCode.Invalid);
      expect((refusal as ClassificationFileError).message).toBe(`${json}: codes must be a non-empty list of dotted matière codes`);
      await expect(loadClassificationFile(join(dir, 'absent.xml'))).rejects.toThrow(ClassificationFileError);
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('refuses a file without a date, without matières, or with a DOCTYPE', () => {
    expect(() => parseRetourClassification(latin1('<RetourClassification><Matieres/></RetourClassification>'))).toThrow(ClassificationFileError);
    expect(() =>
      parseRetourClassification(latin1('<RetourClassification><DateClassification>2024-06-01</DateClassification><Matieres/></RetourClassification>')),
    ).toThrow('no Matiere1');
    expect(() => parseRetourClassification(latin1('<!DOCTYPE x [<!ENTITY a "b">]><RetourClassification/>'))).toThrow('DOCTYPE');
  });
});
