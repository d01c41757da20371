import { parsePesAckFile, PesReadError, readPesAller, type PesAckFile } from '@relais/pes';

/** The kinds of file the DGFiP's server lists among its returns. */
export type PesReturnKind = 'PES_Acquit' | 'PES_NonAcquit' | 'PES_Retour';

/** What a PES_Retour says of whom it is for: the header of the file, as written. */
export interface PesRetourHeader {
  /** `EnTetePES/IdColl`: the SIRET of the budget, whose first 9 digits are its collectivité's SIREN. */
  readonly siret: string;
  readonly siren: string;
  /** `Enveloppe/Parametres/NomFic`; empty when the file has none. */
  readonly nomFic: string;
  readonly idPost: string;
  readonly codCol: string;
}

/** A file from the DGFiP, read: an acquittal of one of our PES files, a PES_Retour, or why it cannot be used. */
export type PesReturnFile =
  | { readonly kind: 'acquittal'; readonly file: PesAckFile }
  | { readonly kind: 'retour'; readonly header: PesRetourHeader }
  | { readonly kind: 'unreadable'; readonly why: string };

const SIRET = /^[0-9]{14}$/;

/**
 * Reads a returned file by its kind: a PES_Acquit or PES_NonAcquit with `parsePesAckFile` (which tells
 * one from the other by the root, whatever the listing said); a PES_Retour's envelope and header with
 * the streaming PES reader (the file may be large; only the header is kept). Any other kind, a file the
 * readers refuse, or a PES_Retour naming no SIRET is `unreadable`, with the reason.
 */
export async function readPesReturn(kind: string, content: Uint8Array): Promise<PesReturnFile> {
  try {
    switch (kind) {
      case 'PES_Acquit':
      case 'PES_NonAcquit':
        return { kind: 'acquittal', file: parsePesAckFile(content) };
      case 'PES_Retour':
        return await retourOf(content);
      default:
        return { kind: 'unreadable', why: `its kind « ${kind} » is none Relais reads (PES_Acquit, PES_NonAcquit, PES_Retour)` };
    }
  } catch (error) {
    if (error instanceof PesReadError) return { kind: 'unreadable', why: `${error.code} ${error.message}` };
    throw error;
  }
}

async function retourOf(content: Uint8Array): Promise<PesReturnFile> {
  const summary = await readPesAller(once(content), { verifyPjContent: false });
  if (summary.root.name !== 'PES_Retour') return { kind: 'unreadable', why: `its root is « ${summary.root.name} », not PES_Retour` };
  const { idColl, idPost, codCol } = summary.enTete;
  if (idColl === undefined || !SIRET.test(idColl)) return { kind: 'unreadable', why: `its EnTetePES/IdColl « ${idColl ?? ''} » is not a SIRET` };
  return {
    kind: 'retour',
    header: { siret: idColl, siren: idColl.slice(0, 9), nomFic: summary.enveloppe.nomFic ?? '', idPost: idPost ?? '', codCol: codCol ?? '' },
  };
}

// eslint-disable-next-line @typescript-eslint/require-await -- the reader takes an async source
async function* once(content: Uint8Array): AsyncGenerator<Uint8Array> {
  yield content;
}
