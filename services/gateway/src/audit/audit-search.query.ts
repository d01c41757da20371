import type { TransmissionKind, TransmissionStatus } from '@relais/domain';
import { invalidQuery, queryInstant, queryText } from '../query-params.js';
import { parseListQuery } from '../transmissions/list-query.js';

const SIREN = /^[0-9]{9}$/;
/** What `Date.prototype.toISOString()` writes: the only form of a creation time in a cursor. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** The longest text searched. */
export const MAX_SEARCH_TEXT = 200;

/** Where a page of the search ends: the last transmission shown, in the order newest first. */
export interface SearchCursor {
  readonly createdAt: string;
  readonly id: string;
}

/** `GET /api/v1/audit/transmissions`, checked. */
export interface AuditSearch {
  readonly siren?: string;
  readonly kind?: TransmissionKind;
  readonly status?: TransmissionStatus;
  /** Matched against the id's start, the numéro interne or NomFic, the objet and the IDActe, ignoring case. */
  readonly text?: string;
  /** Received at or after. */
  readonly from?: Date;
  /** Received before. */
  readonly to?: Date;
  readonly limit: number;
  readonly after?: SearchCursor;
}

/** The raw query string values of the search. */
export interface RawAuditSearch {
  readonly siren?: unknown;
  readonly kind?: unknown;
  readonly status?: unknown;
  readonly q?: unknown;
  readonly from?: unknown;
  readonly to?: unknown;
  readonly limit?: unknown;
  readonly after?: unknown;
}

/** Checks the search's query string; 400 REQUEST.INVALID_QUERY naming the first parameter at fault. Pure. */
export function parseAuditSearch(raw: RawAuditSearch): AuditSearch {
  // Status, kind and limit mean here what they mean in GET /api/v1/transmissions.
  const { status, kind, limit } = parseListQuery({ status: raw.status, kind: raw.kind, limit: raw.limit });
  const siren = queryText('siren', raw.siren);
  if (siren !== undefined && !SIREN.test(siren)) throw invalidQuery('siren', 'siren must be 9 digits');
  const text = queryText('q', raw.q)?.trim();
  if (text !== undefined && (text.length > MAX_SEARCH_TEXT || /\p{Cc}/u.test(text))) {
    throw invalidQuery('q', `q must be at most ${MAX_SEARCH_TEXT} characters on one line`);
  }
  const from = queryInstant('from', raw.from);
  const to = queryInstant('to', raw.to);
  if (from !== undefined && to !== undefined && to <= from) throw invalidQuery('to', 'to must come after from');
  const afterText = queryText('after', raw.after);
  const after = afterText === undefined ? undefined : decodeSearchCursor(afterText);
  return {
    limit,
    ...(siren !== undefined && { siren }),
    ...(kind !== undefined && { kind }),
    ...(status !== undefined && { status }),
    ...(text !== undefined && text !== '' && { text }),
    ...(from !== undefined && { from }),
    ...(to !== undefined && { to }),
    ...(after !== undefined && { after }),
  };
}

/** The opaque `next` of a page ending with this transmission. */
export function encodeSearchCursor(cursor: SearchCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id])).toString('base64url');
}

function decodeSearchCursor(text: string): SearchCursor {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  if (Array.isArray(decoded) && decoded.length === 2) {
    const [createdAt, id] = decoded as unknown[];
    if (typeof createdAt === 'string' && typeof id === 'string' && ISO_INSTANT.test(createdAt)) return { createdAt, id };
  }
  throw invalidQuery('after', 'after must be the `next` of a previous page (or absent, from the first)');
}
