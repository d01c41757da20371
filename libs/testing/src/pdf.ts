/**
 * Small but real PDF 1.4 files for the load generator: one A4 page of text (Helvetica, WinAnsi), an
 * Info dictionary, a cross-reference table whose offsets point at each `n 0 obj`, a trailer and
 * `%%EOF`. The content stream is padded with PDF comments to reach the size asked for, so that file
 * sizes vary without any compression library. Pure: same input, same bytes.
 */

/** What goes on the page and how big the file should be. */
export interface PdfSpec {
  /** Approximate size of the whole file in bytes; never smaller than the unpadded document. */
  readonly targetBytes: number;
  readonly title: string;
  /** Body text; long lines are wrapped. Characters outside Latin-1 become `?`. */
  readonly lines: readonly string[];
  /** `D:YYYYMMDDHHmmSSZ` creation date; a fixed default keeps the function pure. */
  readonly creationDate?: string;
}

const PAGE_WIDTH_CHARS = 90;
const PADDING_LINE = 78;

/** Keeps Latin-1 (written byte for byte, WinAnsi agrees on letters), maps typographic quotes, drops the rest. */
export function toLatin1(text: string): string {
  return text
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201C\u201D]/g, '"')
    .replace(/\u0153/g, 'oe')
    .replace(/\u0152/g, 'OE')
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/[\r\n\t]/g, ' ')
    .replace(/[^\u0020-\u007E\u00A0-\u00FF]/g, '?');
}

/** A PDF literal string: backslash and parentheses escaped. */
export function pdfString(text: string): string {
  return `(${toLatin1(text).replace(/[\\()]/g, (c) => `\\${c}`)})`;
}

/** Greedy word wrap at `width` characters; a word longer than the width is cut. */
export function wrap(text: string, width = PAGE_WIDTH_CHARS): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    let rest = word;
    while (rest.length > width) {
      if (line !== '') {
        out.push(line);
        line = '';
      }
      out.push(rest.slice(0, width));
      rest = rest.slice(width);
    }
    if (line === '') line = rest;
    else if (line.length + 1 + rest.length <= width) line += ` ${rest}`;
    else {
      out.push(line);
      line = rest;
    }
  }
  if (line !== '') out.push(line);
  return out;
}

function textOperators(title: string, lines: readonly string[]): string {
  const body = lines.flatMap((line) => (line === '' ? [''] : wrap(line))).slice(0, 50);
  const ops = ['BT', '/F1 14 Tf', '50 790 Td', '16 TL', `${pdfString(title)} Tj`, '/F1 10 Tf', '14 TL', 'T*'];
  for (const line of body) ops.push(`${pdfString(line)} Tj`, 'T*');
  ops.push('ET');
  return `${ops.join('\n')}\n`;
}

const POOL_SIZE = 65_536;
/** Pseudo-random letters, made once, that padding lines are cut from (fast even for 200 KB files). */
const POOL = ((): string => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let state = 0x2545f491;
  let out = '';
  for (let i = 0; i < POOL_SIZE + PADDING_LINE; i++) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    out += alphabet[(state >>> 16) % alphabet.length] ?? 'x';
  }
  return out;
})();

/** Comment lines (`% ...` up to 78 bytes each) filling exactly `bytes` bytes; nothing below 2. */
export function padding(bytes: number, seed = 1): string {
  if (bytes < 2) return '';
  const lines = Math.ceil(bytes / PADDING_LINE);
  const short = Math.floor(bytes / lines);
  const longer = bytes - short * lines;
  const chunks: string[] = [];
  let at = Math.abs(Math.trunc(seed)) % POOL_SIZE;
  for (let i = 0; i < lines; i++) {
    const length = i < longer ? short + 1 : short;
    chunks.push('%', POOL.slice(at, at + length - 2), '\n');
    at = (at + 7919) % POOL_SIZE;
  }
  return chunks.join('');
}

function assemble(objects: readonly string[]): string {
  // The second line holds bytes above 127 so that tools treat the file as binary (PDF 1.4 §3.4.1).
  let out = '%PDF-1.4\n%\u00E2\u00E3\u00CF\u00D3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return out;
}

function build(spec: PdfSpec, pad: number): string {
  const stream = textOperators(spec.title, spec.lines) + padding(pad, spec.targetBytes);
  return assemble([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}endstream`,
    `<< /Title ${pdfString(spec.title)} /Producer (Relais load generator) /CreationDate (${spec.creationDate ?? 'D:20260101000000Z'}) >>`,
  ]);
}

/** A one-page PDF 1.4 of about `spec.targetBytes` bytes (within a few bytes when padding is needed). */
export function makePdf(spec: PdfSpec): Buffer {
  const bare = build(spec, 0);
  const missing = spec.targetBytes - bare.length;
  // Padding changes the digits of /Length and of the offsets after it by a few bytes: measure again.
  const text = missing > 2 ? build(spec, missing - (build(spec, missing).length - spec.targetBytes)) : bare;
  return Buffer.from(text, 'latin1');
}

/** What {@link checkPdf} found. */
export interface PdfCheck {
  readonly ok: boolean;
  readonly problems: readonly string[];
  readonly objects: number;
}

/**
 * Checks the structure a PDF reader relies on: the header, `%%EOF` at the end, `startxref` pointing at
 * `xref`, each in-use xref entry pointing at its own `n 0 obj`, a trailer with /Size and /Root, and
 * every stream's /Length matching its bytes. Enough for the files made here; not a general parser.
 */
export function checkPdf(bytes: Uint8Array): PdfCheck {
  const text = Buffer.from(bytes).toString('latin1');
  const problems: string[] = [];
  if (!/^%PDF-1\.[0-7]\n/.test(text)) problems.push('no %PDF-1.x header at offset 0');
  if (!/%%EOF\n?$/.test(text)) problems.push('does not end with %%EOF');
  const start = /startxref\n(\d+)\n%%EOF\n?$/.exec(text);
  let objects = 0;
  if (start?.[1] === undefined) problems.push('no startxref before %%EOF');
  else {
    const xrefAt = Number(start[1]);
    if (text.slice(xrefAt, xrefAt + 5) !== 'xref\n') problems.push(`startxref ${xrefAt} does not point at "xref"`);
    const head = /^xref\n0 (\d+)\n/.exec(text.slice(xrefAt));
    if (head?.[1] === undefined) problems.push('no xref subsection "0 n"');
    else {
      const size = Number(head[1]);
      const entriesAt = xrefAt + head[0].length;
      for (let i = 0; i < size; i++) {
        const entry = text.slice(entriesAt + 20 * i, entriesAt + 20 * (i + 1));
        const match = /^(\d{10}) (\d{5}) ([nf])(?: \n|\r\n| \r)$/.exec(entry);
        if (match?.[1] === undefined) {
          problems.push(`xref entry ${i} is not 20 bytes "oooooooooo ggggg n \\n": ${JSON.stringify(entry)}`);
          continue;
        }
        if (match[3] === 'f') continue;
        objects += 1;
        const offset = Number(match[1]);
        if (!text.startsWith(`${i} 0 obj`, offset)) problems.push(`xref entry ${i} offset ${offset} does not point at "${i} 0 obj"`);
      }
      const trailer = /trailer\s*<<([^]*?)>>\s*startxref/.exec(text.slice(entriesAt + 20 * size));
      if (trailer?.[1] === undefined) problems.push('no trailer dictionary after the xref table');
      else {
        if (!new RegExp(`/Size ${size}\\b`).test(trailer[1])) problems.push(`trailer /Size is not ${size}`);
        if (!/\/Root \d+ 0 R/.test(trailer[1])) problems.push('trailer has no /Root');
      }
    }
  }
  for (const stream of text.matchAll(/<< \/Length (\d+) >>\nstream\n/g)) {
    const from = stream.index + stream[0].length;
    const length = Number(stream[1]);
    if (!text.startsWith('endstream', from + length)) problems.push(`stream at ${from}: /Length ${length} does not end at "endstream"`);
  }
  return { ok: problems.length === 0, problems, objects };
}

/** A one-page PDF carrying `text`, of about `size` bytes (as small as it can be when `size` is 0). */
export function minimalPdf(text: string, size = 0): Buffer {
  return makePdf({ targetBytes: size, title: text, lines: [text] });
}
