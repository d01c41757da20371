/** Characters per line of the letter's body (Helvetica 10 pt on A4 with margins). */
const LINE_WIDTH = 90;
/** Lines that fit on the page below the title. */
const MAX_LINES = 60;

/** Keeps what WinAnsi shows as Latin-1 does; anything else becomes `?`. */
function winAnsi(text: string): string {
  return text
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201C\u201D]/g, '"')
    .replace(/\u0153/g, 'oe')
    .replace(/\u0152/g, 'OE')
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/[^\u0020-\u007E\u00A0-\u00FF]/g, '?');
}

function pdfString(text: string): string {
  return `(${winAnsi(text).replace(/[\\()]/g, (c) => `\\${c}`)})`;
}

function wrap(paragraph: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of paragraph.split(/\s+/).filter((w) => w !== '')) {
    for (let rest = word; rest !== ''; rest = rest.slice(LINE_WIDTH)) {
      const piece = rest.slice(0, LINE_WIDTH);
      if (line === '') line = piece;
      else if (line.length + 1 + piece.length <= LINE_WIDTH) line += ` ${piece}`;
      else {
        lines.push(line);
        line = piece;
      }
    }
  }
  return [...lines, line];
}

/**
 * A one-page PDF 1.4 letter (Helvetica, WinAnsi): the title, then the paragraphs wrapped. Hand-made so
 * that it is small and the same text gives the same bytes: a catalog, one page, a font, the content
 * stream, and a cross-reference table whose offsets point at each object.
 */
export function letterPdf(title: string, paragraphs: readonly string[]): Buffer {
  const body = paragraphs.flatMap((paragraph) => [...wrap(paragraph), '']).slice(0, MAX_LINES);
  const operators = ['BT', '/F1 14 Tf', '56 780 Td', '18 TL', `${pdfString(title)} Tj`, 'T*', '/F1 10 Tf', '14 TL'];
  for (const line of body) operators.push(`${pdfString(line)} Tj`, 'T*');
  operators.push('ET');
  const stream = `${operators.join('\n')}\n`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}endstream`,
  ];
  // The second line holds bytes above 127 so that tools treat the file as binary (PDF 1.4 §3.4.1).
  let out = '%PDF-1.4\n%\u00E2\u00E3\u00CF\u00D3\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
