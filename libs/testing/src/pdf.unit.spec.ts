import { describe, expect, it } from '@jest/globals';
import { checkPdf, makePdf, padding, pdfString, toLatin1, wrap } from './pdf.js';

const spec = {
  title: 'Délibération n° DE26ABCD_000001',
  lines: ['Commune de Dijon', "Objet : Approbation (budget) du service de l'eau \\ 2026", 'Le Maire,'],
};

/** An independent reading of the cross-reference table, without checkPdf. */
function xrefOffsets(pdf: Buffer): { size: number; offsets: number[]; xrefAt: number } {
  const text = pdf.toString('latin1');
  const xrefAt = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)?.[1]);
  const lines = text.slice(xrefAt).split('\n');
  const size = Number(lines[1]?.split(' ')[1]);
  const offsets = lines.slice(3, 2 + size).map((line) => Number(line.slice(0, 10)));
  return { size, offsets, xrefAt };
}

describe('makePdf', () => {
  it.each([5 * 1024, 12_345, 64 * 1024, 200 * 1024])('makes a well-formed PDF 1.4 of about %i bytes', (targetBytes) => {
    const pdf = makePdf({ ...spec, targetBytes });
    expect(checkPdf(pdf)).toEqual({ ok: true, problems: [], objects: 6 });
    expect(Math.abs(pdf.length - targetBytes)).toBeLessThanOrEqual(8);
  });

  it('starts with the header and a binary comment, and ends with %%EOF', () => {
    const pdf = makePdf({ ...spec, targetBytes: 6000 });
    expect(pdf.subarray(0, 9).toString('latin1')).toBe('%PDF-1.4\n');
    expect(pdf.subarray(9, 14).every((b, i) => i === 0 || b > 127)).toBe(true);
    expect(pdf.subarray(pdf.length - 6).toString('latin1')).toBe('%%EOF\n');
  });

  it('has a cross-reference table whose offsets point at "n 0 obj"', () => {
    const pdf = makePdf({ ...spec, targetBytes: 20_000 });
    const text = pdf.toString('latin1');
    const { size, offsets, xrefAt } = xrefOffsets(pdf);
    expect(text.slice(xrefAt, xrefAt + 4)).toBe('xref');
    expect(size).toBe(7);
    expect(offsets).toHaveLength(6);
    offsets.forEach((offset, i) => {
      expect(text.slice(offset, offset + `${i + 1} 0 obj`.length)).toBe(`${i + 1} 0 obj`);
    });
    expect(text).toMatch(/trailer\n<< \/Size 7 \/Root 1 0 R \/Info 6 0 R >>\nstartxref\n\d+\n%%EOF\n$/);
  });

  it('gives the content stream its exact /Length', () => {
    const text = makePdf({ ...spec, targetBytes: 30_000 }).toString('latin1');
    const match = /<< \/Length (\d+) >>\nstream\n/.exec(text);
    expect(match).not.toBeNull();
    const from = (match?.index ?? 0) + (match?.[0].length ?? 0);
    expect(text.slice(from + Number(match?.[1]), from + Number(match?.[1]) + 9)).toBe('endstream');
  });

  it('writes text in Latin-1 with PDF escapes', () => {
    const text = makePdf({ ...spec, targetBytes: 1000 }).toString('latin1');
    expect(text).toContain('(D\u00e9lib\u00e9ration n\u00b0 DE26ABCD_000001) Tj');
    expect(text).toContain("\\(budget\\) du service de l'eau \\\\ 2026");
  });

  it('is the same for the same input and stays well-formed when no padding is needed', () => {
    const small = makePdf({ ...spec, targetBytes: 10 });
    expect(checkPdf(small).ok).toBe(true);
    expect(makePdf({ ...spec, targetBytes: 9000 }).equals(makePdf({ ...spec, targetBytes: 9000 }))).toBe(true);
  });
});

describe('checkPdf', () => {
  it('notices an xref offset that points elsewhere, a wrong /Length and a missing %%EOF', () => {
    const text = makePdf({ ...spec, targetBytes: 8000 }).toString('latin1');
    const shifted = text.replace(/^(\d{10}) 00000 n $/m, (_, n: string) => `${String(Number(n) + 1).padStart(10, '0')} 00000 n `);
    expect(checkPdf(Buffer.from(shifted, 'latin1')).problems.join()).toMatch(/does not point at "1 0 obj"/);
    const badLength = text.replace(/\/Length (\d+)/, (_, n: string) => `/Length ${Number(n) + 1}`);
    expect(checkPdf(Buffer.from(badLength, 'latin1')).problems.join()).toMatch(/\/Length/);
    expect(checkPdf(Buffer.from(text.slice(0, -6), 'latin1')).ok).toBe(false);
  });
});

describe('helpers', () => {
  it('pads with comment lines of exactly the size asked', () => {
    for (const bytes of [2, 3, 77, 78, 79, 156, 157, 1000, 150_001]) {
      const pad = padding(bytes, 42);
      expect(pad.length).toBe(bytes);
      expect(pad.split('\n').slice(0, -1).every((line) => line.startsWith('%') && line.length <= 77)).toBe(true);
    }
    expect(padding(1)).toBe('');
  });

  it('maps text to Latin-1 and escapes PDF strings', () => {
    expect(toLatin1('l\u2019\u0153uvre \u2014 \u20ac')).toBe("l'oeuvre - ?");
    expect(pdfString('a(b)c\\')).toBe('(a\\(b\\)c\\\\)');
  });

  it('wraps words at the width', () => {
    expect(wrap('un deux trois quatre', 9)).toEqual(['un deux', 'trois', 'quatre']);
    expect(wrap('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
  });
});
