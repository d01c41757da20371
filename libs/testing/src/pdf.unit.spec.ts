import { describe, expect, it } from '@jest/globals';
import { minimalPdf } from './pdf.js';

describe('minimalPdf', () => {
  it('writes a PDF whose cross-reference table points at each object, ending with %%EOF', () => {
    const pdf = minimalPdf('Délibération (budget) n°1');
    const text = pdf.toString('latin1');
    expect(text.startsWith('%PDF-1.4\n')).toBe(true);
    expect(text.endsWith('%%EOF\n')).toBe(true);
    const startxref = Number(/startxref\n(\d+)\n/.exec(text)?.[1]);
    expect(text.slice(startxref, startxref + 4)).toBe('xref');
    const offsets = [...text.slice(startxref).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
    expect(offsets).toHaveLength(5);
    offsets.forEach((offset, i) => {
      expect(text.slice(offset, offset + 7)).toBe(`${(i + 1).toString()} 0 obj`);
    });
    expect(text).toContain('(D?lib?ration \\(budget\\) n?1)');
  });

  it('pads to about the size asked, keeping the stream length right', () => {
    const pdf = minimalPdf('x', 50_000);
    expect(pdf.length).toBeGreaterThanOrEqual(50_000);
    expect(pdf.length).toBeLessThan(51_000);
    const text = pdf.toString('latin1');
    const length = Number(/\/Length (\d+) >>\nstream\n/.exec(text)?.[1]);
    const start = text.indexOf('stream\n') + 'stream\n'.length;
    expect(text.slice(start + length, start + length + 'endstream'.length)).toBe('endstream');
  });
});
