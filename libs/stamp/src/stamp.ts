import {
  concatTransformationMatrix,
  PDFDict,
  PDFName,
  popGraphicsState,
  pushGraphicsState,
  rgb,
  StandardFonts,
  type PDFPage,
} from 'pdf-lib';
import { StampError, StampErrorCode } from './errors.js';
import { frenchDate } from './french-date.js';
import { openPdf, savePdf } from './pdf.js';

/** What the préfecture's AR (1-2 ARActe) lets a collectivité print on its acte. */
export interface StampFacts {
  /** When the acte left for the préfecture: a date `YYYY-MM-DD` or an ISO 8601 instant (its date in Paris). */
  readonly envoyeLe: string;
  /** The AR's DateReception: a date `YYYY-MM-DD` or an ISO 8601 instant. */
  readonly recuLe: string;
  /** The IDActe the AR gave, `DPT-SIREN-YYYYMMDD-NUMERO-NAT`: printable ASCII. */
  readonly idActe: string;
}

/** An IDActe is ASCII (DOMAIN.md §1.7); anything printable is drawn, up to a sane length. */
const PRINTABLE_ASCII = /^[\x21-\x7e]{1,100}$/;

/** The three lines of the stamp, in order. Pure; `STAMP.INVALID_FACTS` for a malformed fact. */
export function stampLines(facts: StampFacts): readonly [string, string, string] {
  if (!PRINTABLE_ASCII.test(facts.idActe)) {
    throw new StampError(StampErrorCode.InvalidFacts, 'idActe must be 1 to 100 printable ASCII characters');
  }
  return [
    `Envoyé en préfecture le ${frenchDate(facts.envoyeLe, 'envoyeLe')}`,
    `Reçu en préfecture le ${frenchDate(facts.recuLe, 'recuLe')}`,
    `ID : ${facts.idActe}`,
  ];
}

const FONT_SIZE = 9;
const MARGIN = 18;
const PADDING = 6;
const LEADING = 1.35;
const INK = rgb(0.05, 0.15, 0.45);

/** A matrix `[a b c d e f]` from the page as displayed (origin bottom-left, after /Rotate) to its user space. */
export type Matrix = readonly [number, number, number, number, number, number];

/** A page's geometry: its crop box in user space and its /Rotate in degrees. */
export interface PageGeometry {
  readonly box: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
  readonly rotation: number;
}

/** Where a stamp of `width` × `height` goes: its lower-left corner in display space, and the display-to-user matrix. */
export interface Placement {
  readonly left: number;
  readonly bottom: number;
  readonly toUser: Matrix;
}

/** A /Rotate as clockwise quarter turns, 0..3 (to the nearest multiple of 90°; 0 for nonsense). */
function quarterTurns(rotation: number): number {
  return Number.isFinite(rotation) ? ((Math.round(rotation / 90) % 4) + 4) % 4 : 0;
}

/**
 * Places a stamp of `width` × `height` at the top right of a page as a reader displays it: its crop
 * box, turned by its /Rotate (taken to the nearest multiple of 90°, clockwise), so that the stamp
 * sits top-right and reads left to right whatever the rotation. Pure.
 */
export function placeStamp(page: PageGeometry, width: number, height: number, margin = MARGIN): Placement {
  const { x, y, width: w, height: h } = page.box;
  if (![x, y, w, h].every(Number.isFinite) || w <= 0 || h <= 0) {
    throw new StampError(StampErrorCode.PdfUnreadable, 'The first page has no usable size');
  }
  const quarter = quarterTurns(page.rotation);
  const view = (viewWidth: number, viewHeight: number, toUser: Matrix): Placement => ({
    left: Math.max(0, viewWidth - margin - width),
    bottom: Math.max(0, viewHeight - margin - height),
    toUser,
  });
  switch (quarter) {
    case 1:
      return view(h, w, [0, 1, -1, 0, x + w, y]);
    case 2:
      return view(w, h, [-1, 0, 0, -1, x + w, y + h]);
    case 3:
      return view(h, w, [0, -1, 1, 0, x, y + h]);
    default:
      return view(w, h, [1, 0, 0, 1, x, y]);
  }
}

/**
 * Gives the page its own resource dictionaries before anything is drawn: pdf-lib adds its font to
 * the page's /Resources, which a page may inherit from (and so share with) the page tree, so that
 * the other pages would change too.
 */
function ownResources(page: PDFPage): void {
  const { node } = page;
  const context = node.context;
  const inherited = context.lookupMaybe(node.getInheritableAttribute(PDFName.of('Resources')), PDFDict);
  const own = inherited === undefined ? context.obj({}) : inherited.clone(context);
  for (const key of ['Font', 'XObject', 'ExtGState']) {
    const name = PDFName.of(key);
    const sub = own.lookupMaybe(name, PDFDict);
    if (sub !== undefined) own.set(name, sub.clone(context));
  }
  node.set(PDFName.of('Resources'), own);
}

/**
 * The acte with the préfecture's stamp drawn in a frame at the top right of its first page, as the
 * page is displayed: "Envoyé en préfecture le DD/MM/YYYY", "Reçu en préfecture le DD/MM/YYYY",
 * "ID : <IDActe>" (Helvetica, WinAnsi). Every page is kept; the others are not touched, and the
 * first page's own content is kept under the stamp, in its own graphics state.
 *
 * Refuses an encrypted PDF (`STAMP.PDF_ENCRYPTED`), anything that is not a readable PDF
 * (`STAMP.PDF_UNREADABLE`) and malformed facts (`STAMP.INVALID_FACTS`); never throws anything else.
 * The document is written anew (not as an incremental update), so a PAdES signature it carried no
 * longer verifies on the stamped copy: the signed original stays the one transmitted.
 */
export async function stampActe(pdf: Uint8Array, facts: StampFacts): Promise<Uint8Array> {
  const lines = stampLines(facts);
  const { doc, pages } = await openPdf(pdf);
  const page = pages[0];
  try {
    const geometry: PageGeometry = { box: page.getCropBox(), rotation: page.getRotation().angle };
    const font = await doc.embedFont(StandardFonts.Helvetica);
    const widest = Math.max(...lines.map((line) => font.widthOfTextAtSize(line, 1)));
    const displayedWidth = quarterTurns(geometry.rotation) % 2 === 1 ? geometry.box.height : geometry.box.width;
    // Smaller than 9 pt only on a page too narrow for the stamp (a label, a ticket).
    const size = Math.max(1, Math.min(FONT_SIZE, (displayedWidth - 2 * MARGIN - 2 * PADDING) / widest));
    const lineHeight = size * LEADING;
    const boxWidth = widest * size + 2 * PADDING;
    const boxHeight = (lines.length - 1) * lineHeight + size + 2 * PADDING;
    const { left, bottom, toUser } = placeStamp(geometry, boxWidth, boxHeight);

    ownResources(page);
    // Loaded pages wrap their existing content in q … Q before the first drawing, so the stamp
    // starts from the default graphics state whatever the content left behind.
    page.pushOperators(pushGraphicsState(), concatTransformationMatrix(...toUser));
    page.drawRectangle({ x: left, y: bottom, width: boxWidth, height: boxHeight, color: rgb(1, 1, 1), borderColor: INK, borderWidth: 0.8 });
    // One font resource for the three lines (drawText's `font` option would add one per call).
    page.setFont(font);
    lines.forEach((line, i) => {
      const baseline = bottom + boxHeight - PADDING - size * 0.8 - i * lineHeight;
      page.drawText(line, { x: left + PADDING, y: baseline, size, color: INK });
    });
    page.pushOperators(popGraphicsState());
  } catch (error) {
    if (error instanceof StampError) throw error;
    throw new StampError(StampErrorCode.PdfUnreadable, 'The first page of the document cannot be drawn on', { cause: error });
  }
  return savePdf(doc);
}
