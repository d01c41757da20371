import { transmissionStatuses, type TransmissionKind, type TransmissionStatus } from '@relais/domain';
import type { ListTransmissionsQuery } from '@relais/read-models';
import { MAX_PAGE_SIZE } from '@relais/read-models';
import { invalidQuery, queryOneOf, queryText } from '../query-params.js';

const STATUSES: readonly TransmissionStatus[] = transmissionStatuses;
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
  const status = queryOneOf('status', raw.status, STATUSES);
  const kind = queryOneOf('kind', raw.kind, KINDS);
  const after = queryText('after', raw.after);
  const limitText = queryText('limit', raw.limit);
  let limit = DEFAULT_PAGE_SIZE;
  if (limitText !== undefined) {
    limit = /^[0-9]{1,7}$/.test(limitText) ? Number(limitText) : Number.NaN;
    if (!(limit >= 1 && limit <= MAX_PAGE_SIZE)) throw invalidQuery('limit', `limit must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  }
  return { limit, ...(status === undefined ? {} : { status }), ...(kind === undefined ? {} : { kind }), ...(after === undefined ? {} : { after }) };
}
