/**
 * The documents a collectivité publishes once the préfecture has acknowledged an acte (1-2 ARActe):
 * the acte stamped on its first page ("Envoyé en préfecture le …", "Reçu en préfecture le …",
 * "ID : <IDActe>") and the bordereau d'acquittement. Pure functions over bytes (pdf-lib, no I/O);
 * what cannot be stamped is refused with a stable code (`STAMP.*`).
 */
export { stampActe, stampLines, type StampFacts } from './stamp.js';
export { acknowledgmentReceipt, SHREDDED_OBJET, type ReceiptFacts, type ReceiptFile } from './receipt.js';
export { StampError, StampErrorCode, isStampError } from './errors.js';
export { frenchDate } from './french-date.js';
export { pageContents, shownStrings, shownText } from './pdf-text.js';
