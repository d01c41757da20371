import { PesErrorCode, type PesError } from './pes.errors.js';

/** A problem in the API's `{code, message, field?}` shape. */
export interface PesErrorDetail {
  readonly code: string;
  readonly message: string;
  readonly field?: string;
}

/**
 * A PES problem in the API's `{code, message, field?}` shape, `field` saying where in the file it lies
 * (the gateway's refusals and the validator's verdicts alike):
 *
 *     field    := path? ('@' line (':' column)?)?
 *     path     := step ('/' step)*            the element at fault, below the root
 *     step     := Name ('[' Key '=' value ']')?
 *
 * `EnTetePES/IdColl@23`, `Bordereau[IdBord=1234567]/Piece[IdPce=832]@45`,
 * `PES_PJ/PJ[IdUnique=PJ-1]/Contenu/Fichier@141`, `@12:5` (broken XML: a place, no element). Values are
 * written as `encodeURIComponent` writes them, so `]`, `/` and `@` never appear raw. A rule about the
 * whole file (`PES.EMPTY`) has no field. The message ends with the line, when there is one. Pure.
 */
export function pesErrorDetail(error: PesError): PesErrorDetail {
  const location = error.location;
  const line = location?.line;
  const at = line === undefined ? '' : `@${line}${location?.column === undefined ? '' : `:${location.column}`}`;
  const field = `${pathOf(error)}${at}`;
  const where = line === undefined ? '' : ` (ligne ${line}${location?.column === undefined ? '' : `, colonne ${location.column}`})`;
  return { code: error.code, message: `${error.message}${where}`, ...(field === '' ? {} : { field }) };
}

const value = (text: string): string => encodeURIComponent(text);

function pathOf(error: PesError): string {
  const { field, location } = error;
  if (location?.pj !== undefined && field?.startsWith('PES_PJ/PJ/') === true) {
    return `PES_PJ/PJ[IdUnique=${value(location.pj)}]/${field.slice('PES_PJ/PJ/'.length)}`;
  }
  if (field !== undefined) return field;
  if (error.code !== PesErrorCode.TripletNotAllowed) return '';
  const bordereau = location?.bordereau === undefined ? 'Bordereau' : `Bordereau[IdBord=${value(location.bordereau)}]`;
  return location?.piece === undefined ? `${bordereau}/Piece` : `${bordereau}/Piece[IdPce=${value(location.piece)}]`;
}
