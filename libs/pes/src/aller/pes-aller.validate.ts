import { PesReadError, type PesError } from '../pes.errors.js';
import { checkPesAller, type PesCheckContext } from './pes-aller.check.js';
import { readPesAller } from './pes-aller.read.js';
import type { PesAllerSummary, ReadPesAllerOptions } from './pes-aller.types.js';

/** A PES_Aller's verdict: its summary when it could be read, and every problem found (none: it passes). */
export interface PesAllerValidation {
  readonly summary: PesAllerSummary | undefined;
  readonly errors: readonly PesError[];
}

/**
 * Reads then checks a PES_Aller: a file that cannot be read (encoding, DOCTYPE, broken XML) comes back
 * as its one problem and no summary, instead of an exception; the source's own errors still propagate.
 */
export async function validatePesAller(
  source: AsyncIterable<Uint8Array>,
  context: PesCheckContext,
  options?: ReadPesAllerOptions,
): Promise<PesAllerValidation> {
  let summary: PesAllerSummary;
  try {
    summary = await readPesAller(source, options);
  } catch (error) {
    if (error instanceof PesReadError) return { summary: undefined, errors: [error.toPesError()] };
    throw error;
  }
  return { summary, errors: checkPesAller(summary, context) };
}
