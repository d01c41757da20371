import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CLASSIFICATION_FILE } from '../config.js';
import {
  ClassificationFileError,
  classificationJson,
  isKnownClassification,
  loadClassificationFile,
  parseRetourClassification,
} from './classification-catalogue.js';

const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');

const small = latin1(`<?xml version="1.0" encoding="ISO-8859-1"?>
<actes:RetourClassification xmlns:actes="http://www.interieur.gouv.fr/ACTES#v1.1-20040216">
  <actes:DateClassification>2024-06-01</actes:DateClassification>
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

  it('ships as its default exactly the codes of the 7-2 sample of the shared data', () => {
    // The sample is read where it lives, beside the repository; config/ holds the platform's own JSON form.
    const sample = fileURLToPath(new URL('../../../../../shared/data/actes/RetourClassification_example.xml', import.meta.url));
    const fromSample = parseRetourClassification(readFileSync(sample));
    expect(readFileSync(DEFAULT_CLASSIFICATION_FILE, 'utf8')).toBe(classificationJson(fromSample));
  });

  it('reads the platform default', async () => {
    const catalogue = await loadClassificationFile(DEFAULT_CLASSIFICATION_FILE);
    expect(catalogue.version).toBe('2019-03-01');
    // DOMAIN.md §1.6: nine matières of level 1, and the usual level-2 codes.
    expect([...catalogue.codes].filter((code) => !code.includes('.')).sort()).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
    for (const code of ['1.1', '2.3', '3.1', '4.1', '5.7', '7.1', '7.10', '9.4', '1.1.2']) expect(catalogue.codes.has(code)).toBe(true);
  });

  it('refuses a file without a date, without matières, or with a DOCTYPE', () => {
    expect(() => parseRetourClassification(latin1('<RetourClassification><Matieres/></RetourClassification>'))).toThrow(ClassificationFileError);
    expect(() =>
      parseRetourClassification(latin1('<RetourClassification><DateClassification>2024-06-01</DateClassification><Matieres/></RetourClassification>')),
    ).toThrow('no Matiere1');
    expect(() => parseRetourClassification(latin1('<!DOCTYPE x [<!ENTITY a "b">]><RetourClassification/>'))).toThrow('DOCTYPE');
  });
});
