import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { deterministicUuid } from '@relais/service-kit';
import type { Principal } from '../auth/principal.js';
import { ApiError } from '../errors/api-error.js';
import { errorAnswer } from '../errors/api-exception.filter.js';
import { drainRequest } from '../errors/drain.js';
import { GatewayErrorCode } from '../errors/error-codes.js';
import { RESERVATION_RENEW_MS, type IdempotencyRepository, type StoredAnswer } from './idempotency.repository.js';

/** `Idempotency-Key`: printable ASCII, as long as a UUID or a little more. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** Makes one submission: records it under `transmissionId`, `causationId` going into its events' metadata. */
export type Submission = (transmissionId: string, causationId: string | undefined) => Promise<StoredAnswer>;

/** 400 REQUEST.INVALID_IDEMPOTENCY_KEY unless the key is 1 to 255 printable ASCII characters. */
export function checkIdempotencyKey(idempotencyKey: string): void {
  if (!IDEMPOTENCY_KEY.test(idempotencyKey)) {
    throw ApiError.of(400, GatewayErrorCode.InvalidIdempotencyKey, 'Idempotency-Key must be 1 to 255 printable ASCII characters');
  }
}

/**
 * Whose keys a key is among: a collectivité's (whichever of its tokens sends it), else the token's;
 * an `operation` other than a submission keeps its own keys, so a key reused on another route is not
 * answered with a submission's answer.
 */
export function idempotencyScope(principal: Principal, operation?: string): string {
  const owner = principal.siren === undefined ? `token:${principal.tokenId}` : `siren:${principal.siren}`;
  return operation === undefined ? owner : `${owner}|${operation}`;
}

/**
 * Runs a submission (`POST /api/v1/actes`, `POST /api/v1/actes/archive`, or under its own `operation`
 * another upload such as a reply) under an optional `Idempotency-Key`, scoped to the caller's
 * collectivité: the key is reserved first (a concurrent request with it gets 409), a repeat gets the
 * first answer (the body is drained, unread), and the id handed to `submit` is derived from the key,
 * so that even a retry the reservation cannot see (after a crash) lands on the same stream and records
 * nothing new. A 4xx answer is kept like a success; a 5xx frees the key for a retry.
 */
export async function submitIdempotently(
  keys: IdempotencyRepository,
  request: IncomingMessage,
  principal: Principal,
  idempotencyKey: string | undefined,
  drainLimitBytes: number,
  submit: Submission,
  operation?: string,
): Promise<StoredAnswer> {
  if (idempotencyKey === undefined) return submit(randomUUID(), undefined);
  checkIdempotencyKey(idempotencyKey);
  const scope = idempotencyScope(principal, operation);
  const reservation = await keys.reserve(scope, idempotencyKey);
  if (reservation.kind === 'in_progress') {
    throw ApiError.of(409, GatewayErrorCode.IdempotencyInProgress, 'A request with this Idempotency-Key is still being processed');
  }
  if (reservation.kind === 'replay') {
    await drainRequest(request, drainLimitBytes);
    return replay(reservation.answer);
  }
  const { owner } = reservation;
  const transmissionId = deterministicUuid(`gateway|${scope}|${idempotencyKey}`);
  // The lease lasts as long as this process works on the request; a failed renewal is left to the next one.
  const renewal = setInterval(() => {
    keys.renew(scope, idempotencyKey, owner).catch(() => undefined);
  }, RESERVATION_RENEW_MS);
  renewal.unref();
  try {
    const answer = await submit(transmissionId, `idempotency:${scope}:${idempotencyKey}`);
    await keys.complete(scope, idempotencyKey, owner, answer);
    return answer;
  } catch (error) {
    const { status, errors } = errorAnswer(error);
    if (status >= 500) await keys.release(scope, idempotencyKey, owner);
    else await keys.complete(scope, idempotencyKey, owner, { status, body: { errors } });
    throw error;
  } finally {
    clearInterval(renewal);
  }
}

/** A stored answer as it was first given: an error answer is thrown again as one. */
function replay(answer: StoredAnswer): StoredAnswer {
  if (answer.status < 400) return answer;
  const body = answer.body as { errors?: unknown };
  const errors = Array.isArray(body.errors) ? (body.errors as ApiError['errors']) : [];
  throw new ApiError(answer.status, errors);
}
