import { Injectable } from '@nestjs/common';
import { BlobNotFoundError } from '@relais/blob-store';
import type { ErrorDetail, PesSubmission } from '@relais/domain';
import { validatePesAller, type PesAllerValidation } from '@relais/pes';
import { loadCollectivite } from '@relais/service-kit';
import { FileNotStoredError } from '../validation/file-not-stored.error.js';
import { ValidatorResources } from '../validator.resources.js';
import { nomFicKeyOf, pesCheckContext, pesErrors } from './pes-verdict.js';

/**
 * The operator's checks of a received PES file (DOMAIN.md §2.3): the stored file read again as a
 * stream (bounded memory, whatever its size) and checked against the collectivité's budgets and the
 * grille des triplets, then its NomFic claimed under its CodCol, only once every other rule passed, by
 * this transmission alone: a redelivery finds its own claim and gives the same verdict.
 */
@Injectable()
export class PesValidation {
  constructor(private readonly resources: ValidatorResources) {}

  /** `checkErrors`: the checks before sending (antivirus, signatures), which come first and block the NomFic claim. */
  async errors(transmissionId: string, siren: string, submission: PesSubmission, checkErrors: readonly ErrorDetail[] = []): Promise<ErrorDetail[]> {
    // A file with a virus is not read any further: the virus is the whole verdict.
    if (checkErrors.some((error) => error.code === 'FILE.VIRUS_FOUND')) return [...checkErrors];
    const { store, triplets, nomFics } = this.resources;
    const collectivite = await loadCollectivite(store, siren);
    const validation = await this.read(transmissionId, submission, pesCheckContext(collectivite?.helios ?? [], triplets));
    const key = nomFicKeyOf(siren, validation);
    if (key === undefined) return [...checkErrors, ...pesErrors({ validation })];
    const holder = await nomFics.holder(key);
    const input = { validation, ...(holder === undefined || holder === transmissionId ? {} : { nomFicHolder: holder }) };
    const errors = [...checkErrors, ...pesErrors(input)];
    if (errors.length > 0 || holder === transmissionId) return errors;
    // Every other rule passed: take the NomFic. Losing a race to another transmission makes it a duplicate.
    const winner = await nomFics.claim(key, transmissionId);
    return winner === transmissionId ? errors : pesErrors({ validation, nomFicHolder: winner });
  }

  private async read(transmissionId: string, submission: PesSubmission, context: Parameters<typeof validatePesAller>[1]): Promise<PesAllerValidation> {
    const { sha256 } = submission.file;
    let stream;
    try {
      stream = await this.resources.blobs.get(sha256);
    } catch (error) {
      if (error instanceof BlobNotFoundError) throw new FileNotStoredError(transmissionId, sha256);
      throw error;
    }
    return validatePesAller(stream, context);
  }
}
