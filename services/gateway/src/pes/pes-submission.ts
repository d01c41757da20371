import type { ErrorDetail, FileRef, PesSubmission } from '@relais/domain';
import { PesErrorCode, pesErrorDetail, type PesAllerSummary, type PesError, type PesFieldName, type PesReadError } from '@relais/pes';
import { ApiError } from '../errors/api-error.js';

/** The media type a PES file is recorded with, whatever the request declared. */
export const PES_MEDIA_TYPE = 'application/xml';

/** The body types `POST /api/v1/pes` takes: XML, or bytes as a client library sends a file by default. */
const PES_BODY = /^(application\/xml|text\/xml|application\/octet-stream)\s*(;|$)/i;

/** Whether a request's Content-Type may carry a PES file. */
export function isPesBodyType(contentType: string): boolean {
  return PES_BODY.test(contentType);
}

/**
 * The refusal of a file that cannot be read as XML at all (API.md: « a request that cannot be read at
 * all answers 400 »): broken XML, an encoding other than ISO-8859-1 and UTF-8 or bytes that are not
 * in the declared one, 400; a DOCTYPE, well-formed but forbidden in a PES file, 422. The code is the
 * reader's and `field` says where (`@line:column`). Pure.
 */
export function pesReadRefusal(error: PesReadError): ApiError {
  const status = error.code === PesErrorCode.DoctypeForbidden ? 422 : 400;
  return new ApiError(status, pesErrorDetail(error.toPesError()));
}

/** The EnTetePES and Enveloppe identifiers without which a file cannot be recorded, and what their absence is. */
const REQUIRED: readonly { readonly name: Extract<PesFieldName, 'nomFic' | 'codCol' | 'idPost' | 'idColl'>; readonly code: PesErrorCode; readonly path: string }[] = [
  { name: 'nomFic', code: PesErrorCode.NomFicMissing, path: 'Enveloppe/Parametres/NomFic' },
  { name: 'codCol', code: PesErrorCode.CodColInvalid, path: 'EnTetePES/CodCol' },
  { name: 'idPost', code: PesErrorCode.IdPostInvalid, path: 'EnTetePES/IdPost' },
  { name: 'idColl', code: PesErrorCode.IdCollInvalid, path: 'EnTetePES/IdColl' },
];

/** The SubmitPes of a file that was read, or why it cannot be one. */
export type PesSubmissionResult = { readonly ok: true; readonly pes: PesSubmission } | { readonly ok: false; readonly errors: readonly ErrorDetail[] };

/**
 * The submission of a PES file that was read: its identifiers as the file writes them (NomFic, CodCol,
 * CodBud, IdPost, IdColl) and the stored file, under its NomFic. A file whose root is not `PES_Aller`,
 * or that lacks one of NomFic, CodCol, IdPost, IdColl (absent or blank), cannot be a PES_Aller to
 * record: each such problem comes back, for a 422. Every other rule is the validator's. Pure.
 */
export function pesSubmissionOf(summary: PesAllerSummary, file: Omit<FileRef, 'name' | 'mediaType'>): PesSubmissionResult {
  if (summary.root.name !== 'PES_Aller') {
    const error: PesError = {
      code: PesErrorCode.NotPesAller,
      message: `la racine du fichier est « ${summary.root.name} » et non « PES_Aller » : ce n’est pas un PES Aller`,
      location: { line: 1 },
    };
    return { ok: false, errors: [pesErrorDetail(error)] };
  }
  const values = { ...summary.enveloppe, ...summary.enTete };
  const errors = REQUIRED.filter(({ name }) => (values[name] ?? '').trim() === '').map(({ name, code, path }) => {
    const line = summary.lines[name];
    return pesErrorDetail({ code, message: `la balise ${path} est absente ou vide`, field: path, ...(line === undefined ? {} : { location: { line } }) });
  });
  const { nomFic, codCol, idPost, idColl } = values;
  if (errors.length > 0 || nomFic === undefined || codCol === undefined || idPost === undefined || idColl === undefined) return { ok: false, errors };
  const codBud = values.codBud === undefined || values.codBud === '' ? {} : { codBud: values.codBud };
  return { ok: true, pes: { kind: 'pes', nomFic, codCol, ...codBud, idPost, idColl, file: { ...file, name: nomFic, mediaType: PES_MEDIA_TYPE } } };
}
