import type { TransmissionKind, TransmissionStatus } from '@relais/domain';
import { FINAL_STATUSES, type RetentionCandidate } from '@relais/privacy';
import type pg from 'pg';
import type { TransmissionView } from './transmission-view.js';

/** Why a list query was refused; the gateway answers 400 with `code`. */
export class TransmissionQueryError extends Error {
  constructor(
    readonly code: 'TRANSMISSIONS.INVALID_CURSOR' | 'TRANSMISSIONS.INVALID_LIMIT',
    message: string,
  ) {
    super(message);
    this.name = 'TransmissionQueryError';
  }
}

/** The largest page `listTransmissions` serves. */
export const MAX_PAGE_SIZE = 1000;

/**
 * One transmission in the API's shape, or null when there is none with this id or, given `siren`, when
 * it belongs to another collectivité (a collectivité sees only its own, and cannot tell which exist).
 */
export async function getTransmission(
  db: pg.Pool | pg.PoolClient,
  id: string,
  options: { readonly siren?: string } = {},
): Promise<TransmissionView | null> {
  const { rows } = await db.query<{ view: TransmissionView }>(
    'SELECT view FROM transmissions WHERE id = $1 AND ($2::text IS NULL OR siren = $2)',
    [id, options.siren ?? null],
  );
  return rows[0]?.view ?? null;
}

/** Filters and position of a page of `listTransmissions`. */
export interface ListTransmissionsQuery {
  readonly siren?: string;
  /** Any of these collectivités' (a group administrator follows several). */
  readonly sirens?: readonly string[];
  readonly status?: TransmissionStatus;
  readonly kind?: TransmissionKind;
  /** 1 to MAX_PAGE_SIZE. */
  readonly limit: number;
  /** The `next` of the previous page. */
  readonly after?: string;
}

/** A page: `next` is present when more items follow. */
export interface TransmissionPage {
  readonly items: readonly TransmissionView[];
  readonly next?: string;
}

/**
 * A page of transmissions, newest first (by creation, then id), with keyset paging: `next` is an
 * opaque cursor naming the last item, so pages neither skip nor repeat rows as new ones arrive.
 * Throws TransmissionQueryError for a bad limit or a cursor this function did not make.
 */
export async function listTransmissions(
  db: pg.Pool | pg.PoolClient,
  query: ListTransmissionsQuery,
): Promise<TransmissionPage> {
  const { limit } = query;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new TransmissionQueryError('TRANSMISSIONS.INVALID_LIMIT', `limit must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  }
  const conditions: string[] = [];
  const params: unknown[] = [];
  const where = (sql: (n: number) => string, ...values: unknown[]): void => {
    params.push(...values);
    conditions.push(sql(params.length - values.length + 1));
  };
  if (query.siren !== undefined) where((n) => `siren = $${n}`, query.siren);
  if (query.sirens !== undefined) where((n) => `siren = ANY($${n}::text[])`, query.sirens);
  if (query.status !== undefined) where((n) => `status = $${n}`, query.status);
  if (query.kind !== undefined) where((n) => `kind = $${n}`, query.kind);
  if (query.after !== undefined) {
    const { createdAt, id } = decodeCursor(query.after);
    where((n) => `(created_at, id) < ($${n}::timestamptz, $${n + 1}::text)`, createdAt, id);
  }
  params.push(limit + 1);
  const { rows } = await db.query<{ view: TransmissionView }>(
    `SELECT view FROM transmissions
      ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
      ORDER BY created_at DESC, id DESC
      LIMIT $${params.length}`,
    params,
  );
  const items = rows.slice(0, limit).map((row) => row.view);
  const last = items[items.length - 1];
  return rows.length > limit && last !== undefined ? { items, next: encodeCursor(last) } : { items };
}

/** What `Date.prototype.toISOString()` writes, the only form of `createdAt` in a cursor. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function encodeCursor(view: TransmissionView): string {
  return Buffer.from(JSON.stringify([view.createdAt, view.id])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  if (Array.isArray(decoded) && decoded.length === 2) {
    const [createdAt, id] = decoded as unknown[];
    if (typeof createdAt === 'string' && typeof id === 'string' && ISO_INSTANT.test(createdAt)) {
      return { createdAt, id };
    }
  }
  throw new TransmissionQueryError('TRANSMISSIONS.INVALID_CURSOR', `not a cursor of this list: ${cursor}`);
}

/**
 * Transmissions at a final status (FINAL_STATUSES of @relais/privacy) whose last event was recorded
 * before `before` and whose personal data are not shredded yet, oldest first, at most `limit`: what the
 * retention schedule hands to `shredExpired`. Each shredding leaves the list once the projector has its
 * event, so asking again goes on where the last run stopped.
 */
export async function listRetentionCandidates(
  db: pg.Pool | pg.PoolClient,
  query: { readonly before: Date; readonly limit: number },
): Promise<RetentionCandidate[]> {
  const { rows } = await db.query<{ id: string; status: TransmissionStatus; updated_at: Date }>(
    `SELECT id, status, updated_at FROM transmissions
      WHERE status = ANY($1::text[]) AND updated_at < $2 AND NOT (view ? 'personalDataShredded')
      ORDER BY updated_at, id
      LIMIT $3`,
    [FINAL_STATUSES, query.before, query.limit],
  );
  return rows.map((row) => ({ transmissionId: row.id, status: row.status, lastEventAt: row.updated_at, personalDataShredded: false }));
}
