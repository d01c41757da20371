/**
 * A real, minimal PDF 1.4 document (one page with a line of text, correct cross-reference offsets,
 * trailer and `%%EOF`), padded with a comment-free content stream up to about `size` bytes: what a
 * collectivité's acte looks like to a byte-sniffing validator, without shipping binary fixtures.
 */
export function minimalPdf(text: string, size = 0): Buffer {
  const bare = build(text, '');
  if (bare.length >= size) return bare;
  return build(text, '0 0 m\n'.repeat(Math.ceil((size - bare.length) / 6)));
}

function build(text: string, padding: string): Buffer {
  const safe = text.replace(/[\\()]/g, (c) => `\\${c}`).replace(/[^\x20-\x7e]/g, '?');
  const drawing = `BT /F1 12 Tf 72 720 Td (${safe}) Tj ET\n`;
  const content = drawing + padding;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1').toString()} >>\nstream\n${content}endstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${(i + 1).toString()} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${(objects.length + 1).toString()}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${offset.toString().padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${(objects.length + 1).toString()} /Root 1 0 R >>\nstartxref\n${xref.toString()}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}
