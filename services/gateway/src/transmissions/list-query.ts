import type { TransmissionKind, TransmissionStatus } from '@relais/domain';
import type { ListTransmissionsQuery } from '@relais/read-models';
import { MAX_PAGE_SIZE } from '@relais/read-models';
import { ApiError } from '../errors/api-error.js';
import { GatewayErrorCode } from '../errors/error-codes.js';

const STATUSES: readonly TransmissionStatus[] = [
  'received',
  'validated',
  'routed',
  'sent',
  'acknowledged',
  'rejected',
  'nacked',
  'partially_accepted',
  'failed',
  'cancelled',
];
const KINDS: readonly TransmissionKind[] = ['acte', 'pes'];

/** The page size when the caller gives none. */
export const DEFAULT_PAGE_SIZE = 50;

/** The raw query string values of `GET /api/v1/transmissions`. */
export interface RawListQuery {
  readonly status?: unknown;
  readonly kind?: unknown;
  readonly limit?: unknown;
  readonly after?: unknown;
}

/** Checks the list's query string; 400 naming the first parameter at fault. Pure. */
export function parseListQuery(raw: RawListQuery): Omit<ListTransmissionsQuery, 'siren'> {
  const status = oneOf('status', raw.status, STATUSES);
  const kind = oneOf('kind', raw.kind, KINDS);
  const after = text('after', raw.after);
  const limitText = text('limit', raw.limit);
  let limit = DEFAULT_PAGE_SIZE;
  if (limitText !== undefined) {
    limit = /^[0-9]{1,7}$/.test(limitText) ? Number(limitText) : Number.NaN;
    if (!(limit >= 1 && limit <= MAX_PAGE_SIZE)) throw invalid('limit', `limit must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  }
  return { limit, ...(status === undefined ? {} : { status }), ...(kind === undefined ? {} : { kind }), ...(after === undefined ? {} : { after }) };
}

function text(name: string, value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw invalid(name, `${name} must be given once`);
  return value;
}

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T | undefined {
  const given = text(name, value);
  if (given === undefined) return undefined;
  const found = allowed.find((candidate) => candidate === given);
  if (found === undefined) throw invalid(name, `${name} must be one of ${allowed.join(', ')}`);
  return found;
}

function invalid(field: string, message: string): ApiError {
  return ApiError.of(400, GatewayErrorCode.InvalidQuery, message, field);
}
