import { PesBuildError, PesErrorCode } from '../pes.errors.js';

/** A name {@link pesFileName} writes: `PESALR2_<SIREN or SIRET>_<YYMMDD>_<NNN…>.xml`. */
export const PES_FILE_NAME_REGEX = /^PESALR2_([0-9]{9}|[0-9]{14})_([0-9]{6})_([0-9]{3,})\.xml$/;

const DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

/**
 * The name a PES_Aller is sent under to the DGFiP (DOMAIN.md §2.3, S²LOW's `HeliosNamesGenerator`):
 * `PESALR2_<SIRET>_<YYMMDD>_<NNN>.xml`. `siret` may also be a 9-digit SIREN, which is what S²LOW puts
 * there. The counter is zero-padded to three digits and, past 999, widens (`1000`) rather than wraps
 * or fails: S²LOW's counter (`sprintf('%03d')`, never reset) does the same, so names stay unique.
 * @throws PesBuildError `PES.BUILD_INVALID_INPUT` for a SIRET/SIREN that is not 14/9 digits, a date that
 *   is not a real `YYYY-MM-DD`, or a counter that is not a non-negative safe integer
 */
export function pesFileName(siret: string, date: string, counter: number): string {
  if (!/^([0-9]{9}|[0-9]{14})$/.test(siret)) throw invalid('siret', `« ${siret} » n’est ni un SIRET (14 chiffres) ni un SIREN (9 chiffres)`);
  const match = DATE.exec(date);
  const [year, month, day] = [Number(match?.[1]), Number(match?.[2]), Number(match?.[3])];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (match === null || calendar.getUTCFullYear() !== year || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) {
    throw invalid('date', `« ${date} » n’est pas une date AAAA-MM-JJ`);
  }
  if (!Number.isSafeInteger(counter) || counter < 0) throw invalid('counter', `le compteur ${counter} n’est pas un entier positif`);
  const yymmdd = `${String(year % 100).padStart(2, '0')}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}`;
  return `PESALR2_${siret}_${yymmdd}_${String(counter).padStart(3, '0')}.xml`;
}

/**
 * The `P_MSG` site command that routes a PES_Aller on the DGFiP's gateway (DOMAIN.md §2.3):
 * `PES#<CodCol>#<IdPost>#<CodBud>`, with an empty CodBud when the file has none (as S²LOW writes it).
 * @throws PesBuildError `PES.BUILD_INVALID_INPUT` for an empty CodCol or IdPost, or a part holding `#` or whitespace
 */
export function pMsg(codCol: string, idPost: string, codBud?: string): string {
  const part = (value: string, field: string, required: boolean): string => {
    if (required && value.length === 0) throw invalid(field, `${field} est requis`);
    if (/[#\s]/.test(value)) throw invalid(field, `« ${value} » ne peut contenir ni « # » ni d’espace`);
    return value;
  };
  return `PES#${part(codCol, 'codCol', true)}#${part(idPost, 'idPost', true)}#${part(codBud ?? '', 'codBud', false)}`;
}

function invalid(field: string, message: string): PesBuildError {
  return new PesBuildError(PesErrorCode.BuildInvalidInput, field, `${field} : ${message}`);
}
