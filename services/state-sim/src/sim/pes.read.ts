import { createHash } from 'node:crypto';

import { PES_ALLER_NAMESPACE, PesErrorCode, PesReadError, type PesAllerSummary, readPesAller } from '@relais/pes';
import type { PesFileName, PesRouting } from './pes.name.js';
import { SimError, SimErrorCode } from './sim.errors.js';

/** The `EnTetePES` values the DGFiP answers with, the required ones checked present. */
export interface PesDepositEnTete {
  readonly dteStr?: string;
  readonly idPost: string;
  readonly idColl: string;
  readonly codCol: string;
  readonly codBud?: string;
  readonly libelleColBud?: string;
}

/** A PES_Aller deposit, read and checked as the DGFiP's gateway would. */
export interface PesDeposit {
  readonly fileName: string;
  /** SHA-256 of the bytes. */
  readonly sha256: string;
  readonly body: Buffer;
  /** `Enveloppe/Parametres/NomFic`: what the DGFiP's answers name. */
  readonly nomFic: string;
  readonly enTete: PesDepositEnTete;
  readonly summary: PesAllerSummary;
}

/** A NomFic the DGFiP can write back in its answers: 1 to 100 printable Latin-1 characters (DOMAIN.md §2.2). */
const NOM_FIC = /^[\x20-\x7E\xA0-\xFF]{1,100}$/;

/**
 * Reads a deposited PES_Aller as it streams in: the bytes are hashed, counted (refused past `maxBytes`),
 * kept, and read by `readPesAller` on the way, which refuses a DOCTYPE, broken XML and a bad encoding.
 * Then checks what the gateway checks: a `PES_Aller` root, the name's SIRET as `IdColl`, the routing
 * consistent with `EnTetePES`, and what an answer needs (NomFic, IdPost, CodCol).
 * @throws SimError `SIM.ARCHIVE_TOO_LARGE`, `SIM.MALFORMED_XML`, `SIM.PES_ENCODING_INVALID`,
 *   `SIM.NOT_PES_ALLER`, `SIM.INVALID_PES_ALLER`, `SIM.PES_ID_COLL_MISMATCH`, `SIM.PES_ROUTING_MISMATCH`
 */
export async function readPesDeposit(name: PesFileName, routing: PesRouting, source: AsyncIterable<unknown>, maxBytes: number): Promise<PesDeposit> {
  const hash = createHash('sha256');
  const chunks: Buffer[] = [];
  let size = 0;
  async function* tapped(): AsyncGenerator<Uint8Array> {
    for await (const chunk of source) {
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      size += bytes.length;
      if (size > maxBytes) throw new SimError(SimErrorCode.ArchiveTooLarge, `The PES file exceeds ${maxBytes} bytes.`);
      hash.update(bytes);
      chunks.push(bytes);
      yield bytes;
    }
  }
  let summary: PesAllerSummary;
  try {
    summary = await readPesAller(tapped());
  } catch (error) {
    if (!(error instanceof PesReadError)) throw error;
    const encoding = error.code === PesErrorCode.EncodingInvalid || error.code === PesErrorCode.EncodingUnsupported;
    throw new SimError(encoding ? SimErrorCode.PesEncodingInvalid : SimErrorCode.MalformedXml, `${name.fileName}: ${error.message}`);
  }
  return {
    fileName: name.fileName,
    sha256: hash.digest('hex'),
    body: Buffer.concat(chunks, size),
    ...checkPesAller(name, routing, summary),
    summary,
  };
}

/** The gateway's checks of a PES_Aller already read. */
export function checkPesAller(name: PesFileName, routing: PesRouting, summary: PesAllerSummary): { nomFic: string; enTete: PesDepositEnTete } {
  const refuse = (code: SimErrorCode, message: string): SimError => new SimError(code, `${name.fileName}: ${message}`);
  if (summary.root.name !== 'PES_Aller' || summary.root.namespace !== PES_ALLER_NAMESPACE) {
    throw refuse(SimErrorCode.NotPesAller, `the root « ${summary.root.name} » in « ${summary.root.namespace} » is not a PES_Aller of ${PES_ALLER_NAMESPACE}.`);
  }
  const { nomFic } = summary.enveloppe;
  if (nomFic === undefined || !NOM_FIC.test(nomFic)) {
    throw refuse(SimErrorCode.InvalidPesAller, 'Enveloppe/Parametres/NomFic is missing, longer than 100 characters or not printable Latin-1.');
  }
  const { idColl, idPost, codCol, codBud, dteStr, libelleColBud } = summary.enTete;
  if (idColl === undefined || idColl === '') throw refuse(SimErrorCode.InvalidPesAller, 'EnTetePES/IdColl is missing.');
  if (idColl !== name.siret) throw refuse(SimErrorCode.PesIdCollMismatch, `the name's SIRET ${name.siret} is not the file's IdColl ${idColl}.`);
  if (idPost === undefined || idPost === '') throw refuse(SimErrorCode.InvalidPesAller, 'EnTetePES/IdPost is missing.');
  if (codCol === undefined || codCol === '') throw refuse(SimErrorCode.InvalidPesAller, 'EnTetePES/CodCol is missing.');
  const fileRoute = `PES#${codCol}#${idPost}#${codBud ?? ''}`;
  if (routing.codCol !== codCol || routing.idPost !== idPost || routing.codBud !== (codBud ?? '')) {
    throw refuse(
      SimErrorCode.PesRoutingMismatch,
      `the routing PES#${routing.codCol}#${routing.idPost}#${routing.codBud} is not the file's ${fileRoute} (CodCol, IdPost, CodBud of EnTetePES).`,
    );
  }
  return {
    nomFic,
    enTete: {
      idPost,
      idColl,
      codCol,
      ...(dteStr === undefined ? {} : { dteStr }),
      ...(codBud === undefined ? {} : { codBud }),
      ...(libelleColBud === undefined ? {} : { libelleColBud }),
    },
  };
}
