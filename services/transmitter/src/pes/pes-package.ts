import type { PesSubmission } from '@relais/domain';
import { PesBuildError, pesFileName, pMsg } from '@relais/pes';
import { PackagingError } from '../archives/packaging.errors.js';
import type { PesFileRecord } from './pes-file-registry.js';

/*
 * A PES file goes to the DGFiP as it was submitted, byte for byte: what the platform adds is its name,
 * `PESALR2_<IdColl>_<YYMMDD>_<NNN>.xml` (DOMAIN.md §2.3, NNN the platform's counter for that SIRET and
 * day), and the `P_MSG` route `PES#<CodCol>#<IdPost>#<CodBud>` of its header. Pure functions.
 */

/**
 * The record of a PES transmission's file: named after its IdColl, `day` (`YYYY-MM-DD`) and counter
 * `number`, with the submitted file's hash and size (no copy is made).
 * @throws PackagingError `PES.BUILD_INVALID_INPUT` for an IdColl that is not a SIRET, a bad day or number
 */
export function pesFileRecord(transmissionId: string, pes: PesSubmission, day: string, number: number): PesFileRecord {
  const fileName = pesBuilt(() => pesFileName(pes.idColl, day, number), `transmission ${transmissionId}: no PES file name`);
  return {
    fileName,
    transmissionId,
    siret: pes.idColl,
    nomFic: pes.nomFic,
    codCol: pes.codCol,
    day,
    number,
    sha256: pes.file.sha256,
    size: pes.file.size,
  };
}

/**
 * The `P_MSG` route sent with every deposit of the file (the `X-Pes-Routing` header).
 * @throws PackagingError `PES.BUILD_INVALID_INPUT` for an empty CodCol or IdPost, or a part holding `#` or whitespace
 */
export function pesRouting(pes: PesSubmission): string {
  return pesBuilt(() => pMsg(pes.codCol, pes.idPost, pes.codBud), 'no P_MSG route');
}

function pesBuilt<T>(build: () => T, what: string): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof PesBuildError) throw new PackagingError(error.code, `${what}: ${error.message}`, { cause: error });
    throw error;
  }
}
