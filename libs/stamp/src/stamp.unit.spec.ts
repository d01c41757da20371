import { describe, expect, it } from '@jest/globals';
import { makePdf, minimalPdf } from '@relais/testing';
import { PDFDict, PDFDocument, PDFName } from 'pdf-lib';
import { isStampError, StampErrorCode } from './errors.js';
import { pageContents, shownStrings, shownText } from './pdf-text.js';
import { placeStamp, stampActe, stampLines, type Matrix } from './stamp.js';

const facts = { envoyeLe: '2026-01-05T09:00:00.000Z', recuLe: '2026-01-05', idActe: '021-212102313-20260104-DEL2026_001-DE' };
const expectedLines = ['Envoyé en préfecture le 05/01/2026', 'Reçu en préfecture le 05/01/2026', 'ID : 021-212102313-20260104-DEL2026_001-DE'];

/** A real three-page acte: three one-page PDFs of the test library, merged by pdf-lib. */
async function threePages(): Promise<Uint8Array> {
  const merged = await PDFDocument.create({ updateMetadata: false });
  for (const text of ['Délibération page un', 'Page deux du conseil', 'Page trois, signatures']) {
    const source = await PDFDocument.load(makePdf({ targetBytes: 0, title: text, lines: [text, 'Le conseil municipal, après en avoir délibéré'] }));
    const [page] = await merged.copyPages(source, [0]);
    merged.addPage(page);
  }
  return merged.save();
}

/**
 * A PDF 1.4 from its objects (object i+1 is `objects[i]`), with a correct cross-reference table:
 * for shapes the test library does not make (inherited resources, rotation, broken page trees).
 */
function rawPdf(objects: readonly string[], trailer = '/Root 1 0 R'): Uint8Array {
  let out = '%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} ${trailer} >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

function stream(content: string): string {
  return `<< /Length ${content.length} >>\nstream\n${content}\nendstream`;
}

const FONT = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>';

async function refusal(bytes: Uint8Array): Promise<string> {
  try {
    await stampActe(bytes, facts);
  } catch (error) {
    if (isStampError(error)) return error.code;
    throw error;
  }
  throw new Error('stamped what it should have refused');
}

describe('stampActe', () => {
  it('draws the three lines on the first page of a real PDF, which opens with pdf-lib and keeps its page', async () => {
    const original = minimalPdf('Délibération du conseil municipal');
    const stamped = await stampActe(original, facts);
    const doc = await PDFDocument.load(stamped);
    expect(doc.getPageCount()).toBe(1);
    expect(doc.getPage(0).getSize()).toEqual({ width: 595, height: 842 });
    const text = await shownText(stamped, 0);
    expect(text).toEqual(expect.arrayContaining(['Délibération du conseil municipal', ...expectedLines]));
    // The stamp comes after the page's own content, so it is drawn over it.
    expect(text.slice(-3)).toEqual(expectedLines);
    expect(Buffer.from(stamped.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
  });

  it('keeps every page, and the pages after the first exactly as they were', async () => {
    const original = await threePages();
    const stamped = await stampActe(original, facts);
    const before = await PDFDocument.load(original);
    const after = await PDFDocument.load(stamped);
    expect(after.getPageCount()).toBe(3);
    for (const index of [1, 2]) {
      expect(await pageContents(stamped, index)).toEqual(await pageContents(original, index));
      expect(after.getPage(index).getMediaBox()).toEqual(before.getPage(index).getMediaBox());
      expect(await shownText(stamped, index)).not.toEqual(expect.arrayContaining([expectedLines[2]]));
    }
    const first = await shownText(stamped, 0);
    expect(first).toEqual(expect.arrayContaining(['Délibération page un', ...expectedLines]));
    // The original first page's content is kept whole, as one of the page's streams.
    const [originalFirst] = await pageContents(original, 0);
    expect(await pageContents(stamped, 0)).toContainEqual(originalFirst);
  });

  it('wraps the page’s own content in q … Q, so what it leaves in the graphics state cannot move the stamp', async () => {
    const original = rawPdf([
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
      FONT,
      // Scales everything after it by 3 and never restores the state.
      stream('3 0 0 3 0 0 cm BT /F1 12 Tf 20 20 Td (Texte) Tj ET'),
    ]);
    const stamped = await stampActe(original, facts);
    const contents = (await pageContents(stamped, 0)).map((bytes) => Buffer.from(bytes).toString('latin1').trim());
    const own = contents.findIndex((content) => content.startsWith('3 0 0 3 0 0 cm'));
    expect(contents[own - 1]).toBe('q');
    expect(contents[own + 1]).toBe('Q');
    expect(shownStrings(Buffer.from(contents.slice(own + 2).join('\n'), 'latin1'))).toEqual(expectedLines);
  });

  it('gives the first page its own resources, leaving those it inherited with the other pages untouched', async () => {
    const pages = rawPdf([
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> >>',
      '<< /Type /Page /Parent 2 0 R /Contents 6 0 R >>',
      '<< /Type /Page /Parent 2 0 R /Contents 7 0 R >>',
      FONT,
      stream('BT /F1 12 Tf 50 790 Td (Premiere page) Tj ET'),
      stream('BT /F1 12 Tf 50 790 Td (Seconde page) Tj ET'),
    ]);
    const stamped = await stampActe(pages, facts);
    const doc = await PDFDocument.load(stamped);
    const fontsOf = (resources: unknown): string[] => {
      if (!(resources instanceof PDFDict)) throw new Error('no resource dictionary');
      return resources.lookup(PDFName.of('Font'), PDFDict).keys().map(String).sort();
    };
    expect(fontsOf(doc.catalog.Pages().lookup(PDFName.of('Resources')))).toEqual(['/F1']);
    expect(doc.getPage(1).node.get(PDFName.of('Resources'))).toBeUndefined();
    const firstFonts = fontsOf(doc.getPage(0).node.lookup(PDFName.of('Resources')));
    expect(firstFonts).toContain('/F1');
    expect(firstFonts.length).toBe(2);
    expect(await shownText(stamped, 0)).toEqual(['Premiere page', ...expectedLines]);
    expect(await shownText(stamped, 1)).toEqual(['Seconde page']);
  });

  it('stamps a rotated first page where it is displayed top right, and reads its text', async () => {
    for (const rotate of [90, 180, 270, -90]) {
      const original = rawPdf([
        '<< /Type /Catalog /Pages 2 0 R >>',
        '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Rotate ${rotate} /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>`,
        FONT,
        stream('BT /F1 12 Tf 50 50 Td (Paysage) Tj ET'),
      ]);
      const stamped = await stampActe(original, facts);
      const doc = await PDFDocument.load(stamped);
      expect(doc.getPage(0).getRotation().angle).toBe(rotate);
      expect(await shownText(stamped, 0)).toEqual(['Paysage', ...expectedLines]);
    }
  });

  it('refuses an encrypted PDF with STAMP.PDF_ENCRYPTED', async () => {
    const encrypted = rawPdf(
      [
        '<< /Type /Catalog /Pages 2 0 R >>',
        '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>',
        stream('\u00a3\u0091\u0007\u00ff'),
        '<< /Filter /Standard /V 1 /R 2 /Length 40 /P -44 /O <0000000000000000000000000000000000000000000000000000000000000000> /U <0000000000000000000000000000000000000000000000000000000000000000> >>',
      ],
      '/Root 1 0 R /Encrypt 5 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>]',
    );
    expect(await refusal(encrypted)).toBe(StampErrorCode.PdfEncrypted);
  });

  it('refuses what is not a readable PDF with STAMP.PDF_UNREADABLE, whatever the bytes', async () => {
    let seed = 7;
    const noise = Uint8Array.from({ length: 4096 }, () => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return seed >>> 24;
    });
    const whole = minimalPdf('tronqué');
    const hostile: Record<string, Uint8Array> = {
      empty: new Uint8Array(0),
      noise,
      'noise after a header': Buffer.concat([Buffer.from('%PDF-1.7\n'), noise]),
      xml: Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><PES_Aller/>'),
      'a header alone': Buffer.from('%PDF-1.4\n'),
      'the gateway test bytes': Buffer.from('%PDF-1.4\n% acte\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'),
      'a truncated PDF': whole.subarray(0, Math.floor(whole.length / 3)),
      'no page': rawPdf(['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [] /Count 0 >>']),
      'a catalog that is not a dictionary': rawPdf(['[1 2 3]']),
      'no page tree': rawPdf(['<< /Type /Catalog >>']),
      'a page tree that contains itself': rawPdf(['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [2 0 R] /Count 1 >>']),
      'a page without a size': rawPdf(['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>', '<< /Type /Page /Parent 2 0 R >>']),
      'a page of no size': rawPdf(['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>', '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 0 0] >>']),
      'arrays nested 100 000 deep': Buffer.concat([Buffer.from('%PDF-1.4\n1 0 obj\n'), Buffer.alloc(100_000, '['), Buffer.from('\nendobj\n%%EOF\n')]),
    };
    for (const [name, bytes] of Object.entries(hostile)) {
      expect({ name, code: await refusal(bytes) }).toEqual({ name, code: StampErrorCode.PdfUnreadable });
    }
  });

  it('refuses an IDActe outside printable ASCII or a date that is not one, before reading the PDF', async () => {
    const pdf = minimalPdf('acte');
    for (const wrong of [{ idActe: '' }, { idActe: 'ID avec espace' }, { idActe: 'Réf-é' }, { recuLe: '2026-02-30' }, { envoyeLe: 'hier' }]) {
      await expect(stampActe(pdf, { ...facts, ...wrong })).rejects.toMatchObject({ code: StampErrorCode.InvalidFacts });
    }
  });
});

describe('stampLines', () => {
  it('prints the dates in French, the sending instant as its date in Paris', () => {
    expect(stampLines({ envoyeLe: '2026-07-14T22:30:00Z', recuLe: '2026-07-15', idActe: 'X' })).toEqual([
      'Envoyé en préfecture le 15/07/2026',
      'Reçu en préfecture le 15/07/2026',
      'ID : X',
    ]);
  });
});

describe('placeStamp', () => {
  const apply = ([a, b, c, d, e, f]: Matrix, x: number, y: number): [number, number] => [a * x + c * y + e, b * x + d * y + f];

  it('puts the stamp top right of the page as displayed, for every rotation and an offset crop box', () => {
    const box = { x: 10, y: 20, width: 595, height: 842 };
    // Where each user-space point of the box appears once the page is turned clockwise (origin bottom-left).
    const displayed = (rotation: number, [ux, uy]: [number, number]): [number, number] => {
      const [x, y] = [ux - box.x, uy - box.y];
      switch (((rotation % 360) + 360) % 360) {
        case 90:
          return [y, box.width - x];
        case 180:
          return [box.width - x, box.height - y];
        case 270:
          return [box.height - y, x];
        default:
          return [x, y];
      }
    };
    for (const rotation of [0, 90, 180, 270, -90, 450]) {
      const place = placeStamp({ box, rotation }, 200, 50, 18);
      const viewWidth = ((rotation % 180) + 180) % 180 === 90 ? box.height : box.width;
      const viewHeight = viewWidth === box.width ? box.height : box.width;
      const corners = [
        [place.left, place.bottom],
        [place.left + 200, place.bottom + 50],
      ].map(([x = 0, y = 0]) => displayed(rotation, apply(place.toUser, x, y)));
      const [[x0, y0], [x1, y1]] = corners as [[number, number], [number, number]];
      // The lower-left corner maps to the lower-left corner: the text reads left to right, upright.
      expect({ rotation, x1: x1 - x0, y1: y1 - y0 }).toEqual({ rotation, x1: 200, y1: 50 });
      expect({ rotation, right: Math.round(viewWidth - x1), top: Math.round(viewHeight - y1) }).toEqual({ rotation, right: 18, top: 18 });
    }
  });

  it('refuses a page without a usable size', () => {
    expect(() => placeStamp({ box: { x: 0, y: 0, width: Number.NaN, height: 842 }, rotation: 0 }, 10, 10)).toThrow(
      expect.objectContaining({ code: StampErrorCode.PdfUnreadable }),
    );
  });
});
