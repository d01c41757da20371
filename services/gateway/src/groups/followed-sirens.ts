import type { Principal } from '../auth/principal.js';
import { ApiError } from '../errors/api-error.js';
import { GatewayErrorCode } from '../errors/error-codes.js';
import { invalidQuery, queryText } from '../query-params.js';

const SIREN = /^[0-9]{9}$/;

/**
 * The SQL of the SIRENs a token's user follows beyond their own, with `u` the user's row and `t` the
 * token's: the members of the user's group, read at each request (a member removed is no longer
 * followed on the next one); null for a user without a group and for a token of no user.
 */
export const GROUP_SIRENS_SQL = `CASE WHEN u.group_id IS NULL OR t.role <> 'collectivite' THEN NULL
  ELSE ARRAY(SELECT m.siren FROM collectivite_group_members m WHERE m.group_id = u.group_id ORDER BY m.siren) END AS group_sirens`;

/** What a principal says of the SIRENs it follows: its own and its group's members, for a group administrator only. Pure. */
export function principalGroup(siren: string | null, groupSirens: readonly string[] | null): Pick<Principal, 'followedSirens'> {
  if (groupSirens === null || siren === null) return {};
  return { followedSirens: [...new Set([siren, ...groupSirens])].sort() };
}

/** The SIRENs a collectivité's principal reads: its own, and its group's members for a group administrator. Pure. */
export function followedSirens(principal: Principal): readonly string[] {
  return principal.followedSirens ?? (principal.siren === undefined ? [] : [principal.siren]);
}

/**
 * Whether the principal may read what belongs to `siren`: a collectivité (a group administrator) what
 * it follows, supervisors and auditors everything. Writes are never judged here: they stay with the
 * principal's own SIREN. Pure.
 */
export function mayRead(principal: Principal, siren: string): boolean {
  return principal.role !== 'collectivite' || followedSirens(principal).includes(siren);
}

/** 404 COLLECTIVITE.NOT_FOUND naming `siren`: a collectivité not followed answers as an unknown one. */
export function notFollowed(siren: string, field = 'siren'): ApiError {
  return ApiError.of(404, GatewayErrorCode.CollectiviteNotFound, `No collectivité ${siren}`, field);
}

/** A `siren` query parameter: undefined when absent, 400 REQUEST.INVALID_QUERY when not 9 digits. */
export function sirenQuery(value: unknown): string | undefined {
  const siren = queryText('siren', value);
  if (siren !== undefined && !SIREN.test(siren)) throw invalidQuery('siren', 'siren must be 9 digits');
  return siren;
}

/**
 * The SIRENs a collectivité's list reads, `siren` (a query parameter) narrowing it to one it follows
 * (another answers 404 COLLECTIVITE.NOT_FOUND); undefined for supervisors and auditors with no filter.
 */
export function readScope(principal: Principal, sirenParam: unknown): readonly string[] | undefined {
  const siren = sirenQuery(sirenParam);
  if (principal.role !== 'collectivite') return siren === undefined ? undefined : [siren];
  const followed = followedSirens(principal);
  if (siren === undefined) return followed;
  if (!followed.includes(siren)) throw notFollowed(siren);
  return [siren];
}
