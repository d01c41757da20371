/**
 * Hélios / PES V2 (DOMAIN.md §2): reading a PES_Aller as a stream with bounded memory and the
 * operator's checks before it goes to the DGFiP, with the grille des triplets as editable data;
 * reading and writing the DGFiP's PES_Acquit and PES_NonAcquit, and what an acquittal means for the
 * file; the name a file is sent under and its `P_MSG` route. Test helpers (a PES_Aller generator and
 * one invalid file per rule) are in `@relais/pes/testing`.
 */
export {
  PesBuildError,
  PesErrorCode,
  PesReadError,
  type PesError,
  type PesErrorLocation,
} from './pes.errors.js';
export { PES_ENCODINGS, pesEncodingOf, type PesEncoding } from './xml/xml-encoding.js';
export {
  PES_ALLER_NAMESPACE,
  type PesAllerSummary,
  type PesBlocks,
  type PesBordereauSummary,
  type PesDomain,
  type PesEnTeteSummary,
  type PesEnveloppeSummary,
  type PesFieldName,
  type PesPieceSummary,
  type PesPjSummary,
  type ReadPesAllerOptions,
} from './aller/pes-aller.types.js';
export type { PjContentProblem } from './aller/pj-content.verify.js';
export { readPesAller } from './aller/pes-aller.read.js';
export {
  COD_BUD_MAX_LENGTH,
  COD_COL_MAX_LENGTH,
  DEFAULT_ENCODINGS,
  DEFAULT_TYP_FICS,
  ID_POST_MAX_LENGTH,
  ID_UNIQUE_MAX_LENGTH,
  NOM_FIC_MAX_LENGTH,
  checkPesAller,
  type PesCheckContext,
} from './aller/pes-aller.check.js';
export { validatePesAller, type PesAllerValidation } from './aller/pes-aller.validate.js';
export {
  DEFAULT_TRIPLET_GRID_URL,
  loadTripletGrid,
  parseTripletGrid,
  tripletKey,
  type TripletGrid,
} from './aller/triplet-grid.js';
export {
  DOMAINE_ACK_LABELS,
  DOMAINE_ACK_VALUES,
  NUM_ANO_ACK_CODES,
  PES_ACQUIT_NAMESPACE,
  PES_RETOUR_NAMESPACE,
  isDomaineAck,
  isNumAnoAck,
  type DomaineAck,
  type NumAnoAck,
} from './acquit/acquit.values.js';
export type {
  AcquitOutcome,
  PesAckBordereau,
  PesAckEnTete,
  PesAckError,
  PesAckFile,
  PesAckLine,
  PesAckPiece,
  PesAcquit,
  PesAcquitElement,
  PesNonAcquit,
} from './acquit/acquit.types.js';
export { parsePesAckFile, parsePesAcquit, parsePesNonAcquit } from './acquit/acquit.parse.js';
export { acquitOutcome } from './acquit/acquit.outcome.js';
export {
  pesAcquitXml,
  pesNonAcquitXml,
  type PesAckLineInput,
  type PesAckParty,
  type PesAckPieceInput,
  type PesAcquitElementInput,
  type PesAcquitInput,
  type PesNonAcquitInput,
} from './acquit/acquit.build.js';
export { PES_FILE_NAME_REGEX, pMsg, pesFileName } from './naming/pes.naming.js';
export { pesErrorDetail, type PesErrorDetail } from './pes-error-detail.js';
