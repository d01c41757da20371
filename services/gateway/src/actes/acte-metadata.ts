import { natureFromInput } from '@relais/actes';
import type { ActeSubmission, Annexe, ErrorDetail, FileRef } from '@relais/domain';
import { GatewayErrorCode } from '../errors/error-codes.js';

/** Either the submission, or why the metadata cannot form one. */
export type ActeMapping =
  | { readonly ok: true; readonly acte: ActeSubmission }
  | { readonly ok: false; readonly errors: readonly ErrorDetail[] };

type Fields = Readonly<Record<string, unknown>>;

/**
 * The `metadata` part of `POST /api/v1/actes` with its stored files, as the domain's ActeSubmission.
 * Only what makes a submission at all is checked here (each field present with its JSON type, a known
 * nature, one piece type at most per annexe); the @ctes rules on the values (numéro interne, objet,
 * date, classification, files) are the validator's, which records a rejection with every error. Pure.
 */
export function acteFromMetadata(metadata: unknown, document: FileRef, annexes: readonly FileRef[]): ActeMapping {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    return failure({ code: GatewayErrorCode.InvalidMetadata, message: 'metadata must be a JSON object', field: 'metadata' });
  }
  const fields = metadata as Fields;
  const errors: ErrorDetail[] = [];
  const text = (name: string): string => {
    const value = fields[name];
    if (typeof value === 'string') return value;
    errors.push(missingOrWrong(name, value, 'a string'));
    return '';
  };
  const numeroInterne = text('numeroInterne');
  const dateDecision = text('dateDecision');
  const classification = text('classification');
  const objet = text('objet');
  const nature = natureOf(fields['nature'], errors);
  const documentPapier = optional(fields, 'documentPapier', 'a boolean', (v): v is boolean => typeof v === 'boolean', errors);
  const typePJ = optional(fields, 'typePJ', 'a string', (v): v is string => typeof v === 'string', errors);
  const annexesTypePJ = optional(fields, 'annexesTypePJ', 'an array of strings', isStringArray, errors);
  if (annexesTypePJ !== undefined && annexesTypePJ.length > annexes.length) {
    errors.push({
      code: GatewayErrorCode.AnnexesTypePJMismatch,
      message: `annexesTypePJ has ${annexesTypePJ.length} entries for ${annexes.length} annexes`,
      field: 'annexesTypePJ',
    });
  }
  if (errors.length > 0 || nature === undefined) return failure(...errors);
  const annexeList: Annexe[] = annexes.map((file, i) => {
    const pieceType = annexesTypePJ?.[i];
    return pieceType === undefined ? { file } : { file, typePJ: pieceType };
  });
  return {
    ok: true,
    acte: {
      kind: 'acte',
      numeroInterne,
      dateDecision,
      nature,
      classification,
      objet,
      documentPapier: documentPapier ?? false,
      ...(typePJ === undefined ? {} : { typePJ }),
      document,
      annexes: annexeList,
    },
  };
}

function natureOf(value: unknown, errors: ErrorDetail[]): ActeSubmission['nature'] | undefined {
  if (typeof value !== 'number' && typeof value !== 'string') {
    errors.push(missingOrWrong('nature', value, '1..6 or DE, AR, AI, CC, BF, AU'));
    return undefined;
  }
  const nature = natureFromInput(value);
  if (nature === undefined) {
    errors.push({
      code: GatewayErrorCode.UnknownNature,
      message: `nature ${JSON.stringify(value)} is not 1..6 or DE, AR, AI, CC, BF, AU`,
      field: 'nature',
    });
  }
  return nature?.abbreviation;
}

function optional<T>(fields: Fields, name: string, what: string, is: (value: unknown) => value is T, errors: ErrorDetail[]): T | undefined {
  const value = fields[name];
  if (value === undefined || value === null) return undefined;
  if (is(value)) return value;
  errors.push(missingOrWrong(name, value, what));
  return undefined;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function missingOrWrong(field: string, value: unknown, what: string): ErrorDetail {
  return value === undefined || value === null
    ? { code: GatewayErrorCode.MissingField, message: `metadata.${field} is required (${what})`, field }
    : { code: GatewayErrorCode.InvalidType, message: `metadata.${field} must be ${what}`, field };
}

function failure(...errors: ErrorDetail[]): ActeMapping {
  return { ok: false, errors };
}
