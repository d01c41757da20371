import { describe, expect, it } from '@jest/globals';
import { shownStrings } from './pdf-text.js';

const bytes = (text: string): Uint8Array => Buffer.from(text, 'latin1');

describe('shownStrings', () => {
  it('reads literal and hex strings, TJ arrays and the quote operators, as WinAnsi', () => {
    const content = [
      'BT /F1 12 Tf 50 790 Td (D\\351lib\\(\\351\\)ration) Tj',
      '<5265E7752097> Tj',
      '[(Es) -250 (pace) 120 <21>] TJ',
      "(apostrophe) '",
      '1 2 (guillemet) "',
      '% (a comment) Tj',
      '<< /MCID 0 >> BDC (marqu\\351) Tj EMC ET',
    ].join('\n');
    expect(shownStrings(bytes(content))).toEqual(['Délib(é)ration', 'Reçu —', 'Espace!', 'apostrophe', 'guillemet', 'marqué']);
  });

  it('skips inline image data and survives unbalanced input', () => {
    expect(shownStrings(bytes('BI /W 1 /H 1 ID \u0000(Tj)\u00ff EI (apres) Tj'))).toEqual(['apres']);
    expect(shownStrings(bytes('] ] (non ferm'))).toEqual([]);
    expect(shownStrings(bytes('<4'))).toEqual([]);
  });
});
