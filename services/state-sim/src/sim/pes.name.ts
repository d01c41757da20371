import { isIsoDay } from './day.js';
import { SimError, SimErrorCode } from './sim.errors.js';

/** What the name of a PES_Aller deposit says (DOMAIN.md §2.3). */
export interface PesFileName {
  readonly fileName: string;
  /** The SIRET the name carries: the file's `IdColl`. */
  readonly siret: string;
  /** The day of the name, `YYYY-MM-DD` (20YY). */
  readonly day: string;
}

/** `PESALR2_<SIRET>_<YYMMDD>_<NNN>.xml`: the DGFiP takes the SIRET only, not the SIREN S²LOW may put there. */
const PES_FILE_NAME = /^PESALR2_([0-9]{14})_([0-9]{2})([0-9]{2})([0-9]{2})_[0-9]{3,}\.xml$/;

/**
 * Reads the name a PES_Aller is deposited under: `PESALR2_<SIRET 14 digits>_<YYMMDD>_<NNN>.xml`, with a
 * day that exists and a counter of three digits or more.
 * @throws SimError `SIM.INVALID_PES_FILE_NAME`
 */
export function readPesFileName(fileName: string): PesFileName {
  const match = PES_FILE_NAME.exec(fileName);
  const day = match === null ? undefined : `20${match[2] ?? ''}-${match[3] ?? ''}-${match[4] ?? ''}`;
  if (match?.[1] === undefined || day === undefined || !isIsoDay(day)) {
    throw new SimError(SimErrorCode.InvalidPesFileName, `« ${fileName} » is not PESALR2_<SIRET 14 digits>_<YYMMDD>_<NNN>.xml.`);
  }
  return { fileName, siret: match[1], day };
}

/** The P_MSG routing of a deposit: `PES#<CodCol>#<IdPost>#<CodBud>` (CodBud empty when the file has none). */
export interface PesRouting {
  readonly codCol: string;
  readonly idPost: string;
  readonly codBud: string;
}

/**
 * Reads the `X-Pes-Routing` header, which carries what the FTP gateway gets as `P_MSG`.
 * @throws SimError `SIM.MISSING_PES_ROUTING`, `SIM.INVALID_PES_ROUTING`
 */
export function readPesRouting(header: string | undefined): PesRouting {
  if (header === undefined || header === '') {
    throw new SimError(SimErrorCode.MissingPesRouting, 'The X-Pes-Routing header (P_MSG PES#<CodCol>#<IdPost>#<CodBud>) is missing.');
  }
  const parts = header.split('#');
  const [prefix, codCol, idPost, codBud] = parts;
  if (parts.length !== 4 || prefix !== 'PES' || codCol === undefined || codCol === '' || idPost === undefined || idPost === '' || codBud === undefined) {
    throw new SimError(SimErrorCode.InvalidPesRouting, `X-Pes-Routing « ${header} » is not PES#<CodCol>#<IdPost>#<CodBud>.`);
  }
  if (/\s/.test(header)) throw new SimError(SimErrorCode.InvalidPesRouting, `X-Pes-Routing « ${header} » holds whitespace.`);
  return { codCol, idPost, codBud };
}
