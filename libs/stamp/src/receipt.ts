import { PDFDocument, rgb, StandardFonts, type Color, type PDFFont, type PDFPage } from 'pdf-lib';
import { StampError, StampErrorCode } from './errors.js';
import { frenchDate } from './french-date.js';
import { drawable, savePdf, wrapText } from './pdf.js';

/** A file of the transmission, by name and content address. */
export interface ReceiptFile {
  readonly name: string;
  /** Lower-case hexadecimal SHA-256 of its bytes. */
  readonly sha256: string;
}

/** Everything the bordereau d'acquittement states. */
export interface ReceiptFacts {
  readonly collectivite: { readonly nom: string; readonly siren: string };
  /** The IDActe of the AR, printable ASCII. */
  readonly idActe: string;
  readonly numeroInterne: string;
  /** The @ctes nature, `DE`…`AU` (printed with its label), or any label. */
  readonly nature: string;
  /** Matière codes joined by dots (`7.1`). */
  readonly classification: string;
  /** Null once the transmission's personal data were shredded: the bordereau then says so instead. */
  readonly objet: string | null;
  /** Date de décision, `YYYY-MM-DD`. */
  readonly dateDecision?: string;
  /** When the acte left for the préfecture: `YYYY-MM-DD` or an ISO 8601 instant (its date in Paris). */
  readonly envoyeLe: string;
  /** The AR's DateReception: `YYYY-MM-DD` or an ISO 8601 instant. */
  readonly recuLe: string;
  /** The name of the @ctes archive that carried the acte (`TRI-EACT--SIREN--YYYYMMDD-N.tar.gz`). */
  readonly archive: string;
  /** The acte itself. */
  readonly document: ReceiptFile;
  readonly annexes?: readonly ReceiptFile[];
  /** The platform's id of the transmission. */
  readonly transmissionId?: string;
}

/** The natures of DOMAIN.md §1.5. */
const NATURES: Readonly<Record<string, string>> = {
  DE: 'Délibération',
  AR: 'Arrêté réglementaire',
  AI: 'Arrêté individuel',
  CC: 'Contrat, convention ou avenant',
  BF: 'Document budgétaire ou financier',
  AU: 'Autre',
};

const SHA256 = /^[0-9a-f]{64}$/;
const PRINTABLE_ASCII = /^[\x21-\x7e]{1,100}$/;

/** A4 in points. */
const PAGE_WIDTH = 595.28;
const PAGE_HEIGHT = 841.89;
const MARGIN = 56;
const LABEL_WIDTH = 150;
const VALUE_X = MARGIN + LABEL_WIDTH;
const VALUE_WIDTH = PAGE_WIDTH - MARGIN - VALUE_X;
const SIZE = 10;
const LEADING = 13;
/** Lines of objet printed at most (499 characters need about seven); the bordereau must stay one page. */
const MAX_OBJET_LINES = 8;
/** What the bordereau prints for an objet erased with the transmission's personal data. */
export const SHREDDED_OBJET = 'Effacé avec les données personnelles de la transmission';
/** Annexes listed one by one at most; the rest are counted. */
const MAX_ANNEXES = 5;
const INK = rgb(0.1, 0.1, 0.1);
const GREY = rgb(0.4, 0.4, 0.4);

interface Fonts {
  readonly regular: PDFFont;
  readonly bold: PDFFont;
  readonly mono: PDFFont;
}

interface Row {
  readonly label: string;
  readonly value: string;
  readonly font?: 'mono';
  readonly maxLines?: number;
}

function checkFacts(facts: ReceiptFacts): void {
  if (!PRINTABLE_ASCII.test(facts.idActe)) throw new StampError(StampErrorCode.InvalidFacts, 'idActe must be 1 to 100 printable ASCII characters');
  for (const file of [facts.document, ...(facts.annexes ?? [])]) {
    if (!SHA256.test(file.sha256)) throw new StampError(StampErrorCode.InvalidFacts, `The sha256 of ${JSON.stringify(file.name.slice(0, 80))} is not 64 lower-case hex digits`);
  }
}

function rowsOf(facts: ReceiptFacts): Row[] {
  const nature = NATURES[facts.nature];
  const annexes = facts.annexes ?? [];
  const rows: Row[] = [
    { label: 'Collectivité', value: facts.collectivite.nom === '' ? '—' : facts.collectivite.nom, maxLines: 3 },
    { label: 'SIREN', value: facts.collectivite.siren },
    { label: "Identifiant de l'acte", value: facts.idActe },
    { label: 'Numéro interne', value: facts.numeroInterne },
    ...(facts.dateDecision === undefined ? [] : [{ label: 'Date de décision', value: frenchDate(facts.dateDecision, 'dateDecision') }]),
    { label: 'Nature', value: nature === undefined ? facts.nature : `${nature} (${facts.nature})` },
    { label: 'Classification', value: facts.classification },
    { label: 'Objet', value: facts.objet ?? SHREDDED_OBJET, maxLines: MAX_OBJET_LINES },
    { label: 'Envoyé en préfecture le', value: frenchDate(facts.envoyeLe, 'envoyeLe') },
    { label: 'Reçu en préfecture le', value: frenchDate(facts.recuLe, 'recuLe') },
    { label: 'Archive transmise', value: facts.archive, maxLines: 2 },
    { label: 'Document', value: facts.document.name, maxLines: 2 },
    { label: 'Empreinte SHA-256', value: facts.document.sha256, font: 'mono' },
  ];
  if (annexes.length > 0) {
    rows.push({ label: 'Annexes', value: String(annexes.length) });
    annexes.slice(0, MAX_ANNEXES).forEach((annexe, i) => {
      rows.push({ label: `  Annexe ${i + 1}`, value: annexe.name, maxLines: 1 }, { label: '', value: annexe.sha256, font: 'mono' });
    });
    if (annexes.length > MAX_ANNEXES) rows.push({ label: '', value: `… et ${annexes.length - MAX_ANNEXES} autres annexes` });
  }
  if (facts.transmissionId !== undefined) rows.push({ label: 'Transmission Relais', value: facts.transmissionId, maxLines: 2 });
  return rows;
}

/** Draws text on a page, switching the page's font only when it changes (pdf-lib's `font` option adds a font resource at every call). */
class Writer {
  private current: PDFFont | undefined;

  constructor(readonly page: PDFPage) {}

  text(text: string, options: { readonly x: number; readonly y: number; readonly size: number; readonly font: PDFFont; readonly color: Color }): void {
    if (this.current !== options.font) {
      this.page.setFont(options.font);
      this.current = options.font;
    }
    this.page.drawText(text, { x: options.x, y: options.y, size: options.size, color: options.color });
  }
}

/** `line` ended by ` […]`, shortened to stay within the value column. */
function cut(line: string, font: PDFFont, size: number): string {
  let kept = line;
  while (kept !== '' && font.widthOfTextAtSize(`${kept} […]`, size) > VALUE_WIDTH) kept = kept.slice(0, -1);
  return drawable(`${kept} […]`, font);
}

/** Draws one label/value row from `y` (the baseline of its first line) down; returns the next row's baseline. */
function drawRow(out: Writer, fonts: Fonts, row: Row, y: number): number {
  const font = row.font === 'mono' ? fonts.mono : fonts.regular;
  const size = row.font === 'mono' ? 8.5 : SIZE;
  const all = wrapText(drawable(row.value, font), font, size, VALUE_WIDTH);
  const max = row.maxLines ?? 2;
  const lines = all.length > max ? [...all.slice(0, max - 1), cut(all[max - 1] ?? '', font, size)] : all;
  if (row.label !== '') out.text(drawable(row.label, fonts.bold), { x: MARGIN, y, size: 9, font: fonts.bold, color: GREY });
  lines.forEach((line, i) => {
    out.text(line, { x: VALUE_X, y: y - i * LEADING, size, font, color: INK });
  });
  return y - Math.max(1, lines.length) * LEADING - 4;
}

/**
 * The "Accusé de réception — bordereau d'acquittement" of an acte: one A4 page stating who sent what,
 * when it left, when the préfecture received it (the 1-2 ARActe), the IDActe it gave, the archive
 * that carried it and the SHA-256 of the acte (and of its annexes), so that anyone can check that a
 * published file is the one transmitted. Text the standard fonts cannot draw becomes `?`; long
 * values are cut so that the bordereau stays one page. No I/O, no clock: the same facts give the
 * same text (pdf-lib names its font resources at random, so not the same bytes).
 * `STAMP.INVALID_FACTS` for a malformed IDActe, date or sha256.
 */
export async function acknowledgmentReceipt(facts: ReceiptFacts): Promise<Uint8Array> {
  checkFacts(facts);
  const rows = rowsOf(facts);
  const doc = await PDFDocument.create({ updateMetadata: false });
  const fonts: Fonts = {
    regular: await doc.embedFont(StandardFonts.Helvetica),
    bold: await doc.embedFont(StandardFonts.HelveticaBold),
    mono: await doc.embedFont(StandardFonts.Courier),
  };
  doc.setTitle(`Accusé de réception ${facts.idActe}`);
  doc.setSubject("Bordereau d'acquittement d'un acte transmis au contrôle de légalité");
  doc.setLanguage('fr-FR');
  doc.setCreator('Relais');
  doc.setProducer('Relais (pdf-lib)');
  const page = doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
  const out = new Writer(page);

  let y = PAGE_HEIGHT - MARGIN - 16;
  out.text('Accusé de réception — bordereau d’acquittement', { x: MARGIN, y, size: 16, font: fonts.bold, color: INK });
  y -= 20;
  out.text('Contrôle de légalité — acte transmis à la préfecture par @ctes', { x: MARGIN, y, size: 10, font: fonts.regular, color: GREY });
  y -= 14;
  page.drawLine({ start: { x: MARGIN, y }, end: { x: PAGE_WIDTH - MARGIN, y }, thickness: 0.8, color: INK });
  y -= 24;
  for (const row of rows) y = drawRow(out, fonts, row, y);

  y -= 12;
  page.drawLine({ start: { x: MARGIN, y: y + 8 }, end: { x: PAGE_WIDTH - MARGIN, y: y + 8 }, thickness: 0.4, color: GREY });
  const note = [
    `La préfecture a accusé réception de cet acte le ${frenchDate(facts.recuLe, 'recuLe')} (message 1-2 ARActe) sous l'identifiant ${facts.idActe}.`,
    "L'empreinte SHA-256 permet de vérifier que le document publié est celui qui a été transmis.",
  ];
  for (const paragraph of note) {
    for (const line of wrapText(drawable(paragraph, fonts.regular), fonts.regular, 9, PAGE_WIDTH - 2 * MARGIN)) {
      y -= 12;
      out.text(line, { x: MARGIN, y, size: 9, font: fonts.regular, color: GREY });
    }
  }
  return savePdf(doc);
}
