/**
 * The testing entry of `@relais/pes`: a PES_Aller generator (streamed, of any size, ISO-8859-1 or
 * UTF-8, with real gzip+base64 PJ content), shapes of valid files, and one invalid file per rule with
 * the problem it must be reported for. Production code does not import it.
 */
export {
  chunked,
  pesAllerBuffer,
  pesAllerStream,
  pseudoRandomBytes,
  renderPesAller,
  type PesAllerSpec,
  type PesAllerStreamOptions,
  type PesBordereauSpec,
  type PesEnTeteSpec,
  type PesPieceSpec,
  type PesPjContentSpec,
  type PesPjSpec,
} from './pes-aller.generate.js';
export { PES_SAMPLE, pesAllerShapes, samplePesContext, samplePjBytes } from './pes-aller.shapes.js';
export {
  OTHER_SIRET,
  lineOf,
  pesAllerMutations,
  type ExpectedPesError,
  type InvalidPesAller,
  type PesAllerMutation,
  type PesAllerMutationName,
} from './pes-aller.mutations.js';
