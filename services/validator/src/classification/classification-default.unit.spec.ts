import { describe, expect, it } from '@jest/globals';
import { classificationJson, loadClassificationFile, parseRetourClassification } from '@relais/actes';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { DEFAULT_CLASSIFICATION_FILE } from '../config.js';

describe("the validator's default classification", () => {
  it('is exactly the codes of the 7-2 sample of the shared data', () => {
    // The sample is read where it lives, beside the repository; config/ holds the platform's own JSON form.
    const sample = fileURLToPath(new URL('../../../../../shared/data/actes/RetourClassification_example.xml', import.meta.url));
    const fromSample = parseRetourClassification(readFileSync(sample));
    expect(readFileSync(DEFAULT_CLASSIFICATION_FILE, 'utf8')).toBe(classificationJson(fromSample));
  });

  it('loads, with the nine matières of level 1 and the generic piece type of every nature', async () => {
    const catalogue = await loadClassificationFile(DEFAULT_CLASSIFICATION_FILE);
    expect(catalogue.version).toBe('2019-03-01');
    // DOMAIN.md §1.6: nine matières of level 1, and the usual level-2 codes.
    expect([...catalogue.codes].filter((code) => !code.includes('.')).sort()).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
    for (const code of ['1.1', '2.3', '3.1', '4.1', '5.7', '7.1', '7.10', '9.4', '1.1.2']) expect(catalogue.codes.has(code)).toBe(true);
    // Every nature allows its generic piece type (API.md), the one a submission without typePJ gets.
    const generic = { DE: '99_DE', AR: '99_AR', AI: '99_AI', CC: '99_DC', BF: '99_BU', AU: '99_AU' } as const;
    for (const [nature, typePJ] of Object.entries(generic)) expect(catalogue.natures?.get(nature as keyof typeof generic)?.has(typePJ)).toBe(true);
    expect(catalogue.natures?.get('BF')?.has('99_DE')).toBe(false);
  });
});
